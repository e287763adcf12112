// Counts in this process: right for one replica or development; with several replicas each
// counts alone, so set REDIS_URL in production.
import type { RateLimitStore } from './store.ts';

const SWEEP_AT_SIZE = 10_000;

export function createMemoryStore(now: () => number = Date.now): RateLimitStore {
  const windows = new Map<string, { count: number; resetAt: number }>();
  return {
    async hit(key, windowMs) {
      const at = now();
      let window = windows.get(key);
      if (!window || window.resetAt <= at) {
        // Expired windows are dropped in bulk, so memory stays bounded by active clients.
        if (windows.size >= SWEEP_AT_SIZE) {
          for (const [name, entry] of windows) if (entry.resetAt <= at) windows.delete(name);
        }
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
