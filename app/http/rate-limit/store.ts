// Where request counts live: in this process, or in Redis so every replica shares them.
interface WindowCount {
  /** Requests counted in the current window, this one included. */
  count: number;
  /** Milliseconds until the window ends and the count starts again. */
  resetMs: number;
}

export interface RateLimitStore {
  /** Counts one request for `key` in a fixed window of `windowMs` that starts at its first hit. */
  hit(key: string, windowMs: number): Promise<WindowCount>;
  close(): Promise<void>;
}
