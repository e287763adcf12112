import { describe, expect, it } from 'vitest';
import { createLogger } from '../../telemetry/logger.ts';
import { backoffDelay, retryOnLockTimeout } from './retry.ts';

const policy = { retries: 3, baseDelayMs: 10, maxDelayMs: 40 };

describe('retryOnLockTimeout', () => {
  it('backs off exponentially, jittered within the upper half, capped', () => {
    expect([0, 1, 2, 3, 4].map((attempt) => backoffDelay(policy, attempt, () => 0))).toEqual([
      5, 10, 20, 20, 20,
    ]);
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(policy, attempt, () => 1))).toEqual([
      10, 20, 40, 40,
    ]);
  });

  it('retries only lock_not_available, and only as often as allowed', async () => {
    const logger = createLogger({ level: 'silent' });
    const lockError = Object.assign(new Error('canceling statement due to lock timeout'), {
      code: '55P03',
    });
    let calls = 0;
    const result = await retryOnLockTimeout(
      async () => {
        calls++;
        if (calls < 3) throw lockError;
        return 'done';
      },
      policy,
      logger,
      {},
    );
    expect({ result, calls }).toEqual({ result: 'done', calls: 3 });

    calls = 0;
    await expect(
      retryOnLockTimeout(
        async () => {
          calls++;
          throw lockError;
        },
        policy,
        logger,
        {},
      ),
    ).rejects.toBe(lockError);
    expect(calls).toBe(policy.retries + 1);

    calls = 0;
    const other = Object.assign(new Error('syntax'), { code: '42601' });
    await expect(
      retryOnLockTimeout(
        async () => {
          calls++;
          throw other;
        },
        policy,
        logger,
        {},
      ),
    ).rejects.toBe(other);
    expect(calls).toBe(1);
  });
});
