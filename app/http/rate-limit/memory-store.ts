// Counts in this process: right for one replica or development; with several replicas each
// counts alone, so set REDIS_URL in production.
//
// Expiry costs O(1) amortised: a Map iterates in insertion order, and a window is (re)inserted
// when it starts, so with the one window length an app uses the oldest window is always first.
// A new window drops the expired ones from the front and stops at the first live one; it never
// scans the live ones. The map is also bounded: at `maxWindows` the oldest live window is
// dropped too (that client starts a fresh count — a flood of distinct addresses costs memory
// up to the bound, never more).
import type { RateLimitStore } from './store.ts';

interface Window {
  count: number;
  resetAt: number;
}

/** About 10 MB of windows: far more clients than one process serves in a window. */
const DEFAULT_MAX_WINDOWS = 100_000;

export function createMemoryStore(
  now: () => number = Date.now,
  maxWindows = DEFAULT_MAX_WINDOWS,
): RateLimitStore & { readonly size: number } {
  const windows = new Map<string, Window>();

  function dropExpiredAndOverflow(at: number): void {
    for (const [name, entry] of windows) {
      if (entry.resetAt > at && windows.size < maxWindows) return;
      windows.delete(name);
    }
  }

  return {
    get size() {
      return windows.size;
    },
    async hit(key, windowMs) {
      const at = now();
      let window = windows.get(key);
      if (!window || window.resetAt <= at) {
        if (window) windows.delete(key);
        dropExpiredAndOverflow(at);
        window = { count: 0, resetAt: at + windowMs };
        windows.set(key, window);
      }
      window.count++;
      return { count: window.count, resetMs: window.resetAt - at };
    },
    async close() {
      windows.clear();
    },
  };
}
