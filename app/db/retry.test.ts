import { describe, expect, it } from 'vitest';
import { databaseFailure } from './errors.ts';
import { retryOnContention } from './retry.ts';

const lost = (code: string) =>
  Object.assign(new Error('Failed query'), { cause: Object.assign(new Error('x'), { code }) });

describe('retrying writes that lost to a concurrent one', () => {
  it('runs a deadlocked write again, and counts each loss', async () => {
    const seen: string[] = [];
    const retry = retryOnContention({
      attempts: 3,
      baseDelayMs: 1,
      onContention: (code, outcome) => seen.push(`${code}:${outcome}`),
    });
    let runs = 0;
    const result = await retry(async () => {
      runs++;
      if (runs === 1) throw lost('40P01');
      if (runs === 2) throw lost('40001');
      return 'written';
    });
    expect(result).toBe('written');
    expect(seen).toEqual(['40P01:retried', '40001:retried']);
  });

  it('gives up after the last attempt and lets the error through', async () => {
    const seen: string[] = [];
    const retry = retryOnContention({
      attempts: 2,
      baseDelayMs: 1,
      onContention: (code, outcome) => seen.push(`${code}:${outcome}`),
    });
    await expect(retry(() => Promise.reject(lost('40P01')))).rejects.toThrow('Failed query');
    expect(seen).toEqual(['40P01:retried', '40P01:gave_up']);
  });

  it('never runs again what failed for another reason', async () => {
    let runs = 0;
    const retry = retryOnContention({ attempts: 5, baseDelayMs: 1 });
    await expect(
      retry(async () => {
        runs++;
        throw lost('23505');
      }),
    ).rejects.toThrow();
    expect(runs).toBe(1);
  });
});

describe('what a database failure means', () => {
  it.each([
    ['ECONNREFUSED', 'unavailable'],
    ['08006', 'unavailable'],
    ['57P01', 'unavailable'],
    ['3D000', 'unavailable'],
    ['42P01', 'unavailable'],
    ['42703', 'unavailable'],
    ['53100', 'unavailable'],
    ['XX000', 'unavailable'],
    ['40P01', 'contention'],
    ['40001', 'contention'],
    ['22001', 'invalid-value'],
    ['22021', 'invalid-value'],
    ['23502', 'invalid-value'],
    ['23505', 'conflict'],
    ['23503', 'conflict'],
    ['42501', 'rejected'],
    ['42601', 'rejected'],
  ])('%s is %s', (code, failure) => {
    expect(databaseFailure(lost(code))).toBe(failure);
  });

  it('is nothing for errors that are not the database’s', () => {
    expect(databaseFailure(new Error('boom'))).toBeUndefined();
    expect(databaseFailure(Object.assign(new Error('x'), { code: 'EPERM' }))).toBeUndefined();
    expect(
      databaseFailure(Object.assign(new Error('x'), { code: 'ERR_INVALID_ARG' })),
    ).toBeUndefined();
  });
});
