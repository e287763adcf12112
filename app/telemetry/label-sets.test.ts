import { describe, expect, it } from 'vitest';
import { labelSets3 } from './label-sets.ts';

describe('labelSets3', () => {
  it('makes each combination once and returns the same object after', () => {
    let made = 0;
    const labels = labelSets3((method, route, status) => {
      made++;
      return { method, route, status };
    });
    const first = labels('GET', '/api/v1/users/:id', '200');
    expect(first).toEqual({ method: 'GET', route: '/api/v1/users/:id', status: '200' });
    expect(labels('GET', '/api/v1/users/:id', '200')).toBe(first);
    expect(labels('GET', '/api/v1/users/:id', '404')).toEqual({
      method: 'GET',
      route: '/api/v1/users/:id',
      status: '404',
    });
    expect(made).toBe(2);
  });

  it('stops remembering past its bound rather than growing without one', () => {
    let made = 0;
    const labels = labelSets3((a, b, c) => {
      made++;
      return { a, b, c };
    });
    for (let index = 0; index < 1_500; index++) labels('GET', String(index), '200');
    made = 0;
    labels('GET', '1499', '200');
    labels('GET', '1', '200');
    expect(made).toBe(1);
  });
});
