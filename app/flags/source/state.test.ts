import { describe, expect, it } from 'vitest';
import { initialState, nextState, type SourceEvent } from './state.ts';

const walk = (online: boolean, events: SourceEvent[]) =>
  events.reduce((state, event) => nextState(online, state, event), initialState(online));

describe('the flag source state table', () => {
  it('starts from the file: bootstrap online, offline without Unleash', () => {
    expect(initialState(true)).toBe('bootstrap');
    expect(initialState(false)).toBe('offline');
  });

  it('follows Unleash online: failing while it does not answer, synced when it does', () => {
    expect(walk(true, ['synced'])).toBe('synced');
    expect(walk(true, ['failed'])).toBe('failing');
    expect(walk(true, ['synced', 'failed', 'failed', 'synced'])).toBe('synced');
  });

  it('stays unauthorized whatever else fails, until the token is accepted and a sync comes', () => {
    expect(walk(true, ['refused', 'failed'])).toBe('unauthorized');
    expect(walk(true, ['refused', 'accepted'])).toBe('failing');
    expect(walk(true, ['refused', 'accepted', 'synced'])).toBe('synced');
  });

  it('offline: failing while the file cannot be read, offline again once it can', () => {
    expect(walk(false, ['failed'])).toBe('failing');
    expect(walk(false, ['failed', 'synced'])).toBe('offline');
  });

  it('never reaches an online state offline', () => {
    for (const events of [['refused'], ['accepted'], ['synced', 'refused', 'failed']] as const)
      expect(['offline', 'failing']).toContain(walk(false, [...events]));
  });
});
