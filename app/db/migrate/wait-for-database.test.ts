import { describe, expect, it } from 'vitest';
import { createLogger } from '../../telemetry/logger.ts';
import { isDatabaseNotReachable, waitForDatabase } from './wait-for-database.ts';

const logger = createLogger({ level: 'silent' });
const policy = { waitMs: 1_000, baseDelayMs: 2, maxDelayMs: 8 };
const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
  code: 'ECONNREFUSED',
});

describe('waitForDatabase', () => {
  it('retries while the database refuses connections or is starting, then connects', async () => {
    const starting = Object.assign(new Error('the database system is starting up'), {
      code: '57P03',
    });
    const failures = [refused, refused, starting];
    let calls = 0;
    const result = await waitForDatabase(
      async () => {
        const failure = failures[calls++];
        if (failure) throw failure;
        return 'connected';
      },
      policy,
      logger,
    );
    expect({ result, calls }).toEqual({ result: 'connected', calls: 4 });
  });

  it('fails at once on errors that waiting cannot fix', async () => {
    const badPassword = Object.assign(new Error('password authentication failed'), {
      code: '28P01',
    });
    let calls = 0;
    await expect(
      waitForDatabase(
        async () => {
          calls++;
          throw badPassword;
        },
        policy,
        logger,
      ),
    ).rejects.toBe(badPassword);
    expect(calls).toBe(1);
    expect(isDatabaseNotReachable(badPassword)).toBe(false);
  });

  it('gives up with the last error once the next pause would pass the deadline', async () => {
    let clock = 0;
    let calls = 0;
    await expect(
      waitForDatabase(
        async () => {
          calls++;
          clock += 300; // each attempt takes 300 ms of the 1 s allowed
          throw refused;
        },
        policy,
        logger,
        undefined,
        () => clock,
      ),
    ).rejects.toBe(refused);
    expect(calls).toBe(4);
  });

  it('stops waiting when the signal aborts', async () => {
    const stop = new AbortController();
    stop.abort(new Error('SIGTERM'));
    await expect(
      waitForDatabase(
        async () => {
          throw refused;
        },
        { ...policy, baseDelayMs: 10_000, maxDelayMs: 10_000, waitMs: 60_000 },
        logger,
        stop.signal,
      ),
    ).rejects.toThrow();
  });
});
