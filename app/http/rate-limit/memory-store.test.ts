import { describe, expect, it } from 'vitest';
import { createMemoryStore } from './memory-store.ts';

describe('the in-process rate-limit store', () => {
  it('counts in a window and starts again once it ends', async () => {
    let clock = 0;
    const store = createMemoryStore(() => clock);
    expect((await store.hit('a', 1_000)).count).toBe(1);
    expect(await store.hit('a', 1_000)).toEqual({ count: 2, resetMs: 1_000 });
    clock = 1_000;
    expect((await store.hit('a', 1_000)).count).toBe(1);
  });

  it('counts each key in a window of its own', async () => {
    let clock = 0;
    const store = createMemoryStore(() => clock);
    await store.hit('a', 1_000);
    await store.hit('a', 1_000);
    clock = 400;
    expect(await store.hit('b', 1_000)).toEqual({ count: 1, resetMs: 1_000 });
    expect(await store.hit('a', 1_000)).toEqual({ count: 3, resetMs: 600 });
    await store.close();
    expect(store.size).toBe(0);
  });

  it('holds no more windows than its bound, however many clients are live', async () => {
    const store = createMemoryStore(() => 0, 1_000);
    for (let client = 0; client < 12_000; client++) await store.hit(`ip:${client}`, 60_000);
    expect(store.size).toBe(1_000);
    // The newest clients are the ones kept.
    expect((await store.hit('ip:11999', 60_000)).count).toBe(2);
  });

  it('drops expired windows as new ones start, without waiting for a bound', async () => {
    let clock = 0;
    const store = createMemoryStore(() => clock);
    for (let client = 0; client < 500; client++) await store.hit(`old:${client}`, 1_000);
    clock = 5_000;
    await store.hit('new', 1_000);
    expect(store.size).toBe(1);
  });

  it('moves a renewed window to the back, so it outlives older ones', async () => {
    let clock = 0;
    const store = createMemoryStore(() => clock, 2);
    await store.hit('a', 1_000);
    clock = 500;
    await store.hit('b', 1_000);
    clock = 1_000;
    await store.hit('a', 1_000); // a's window renews: now newer than b's
    clock = 1_400;
    await store.hit('c', 1_000); // full: the oldest (b) goes
    expect((await store.hit('a', 1_000)).count).toBe(2);
    expect((await store.hit('c', 1_000)).count).toBe(2);
  });
});
