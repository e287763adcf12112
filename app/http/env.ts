// What middleware puts on the request context for the code after it.
export interface AppEnv {
  Variables: {
    requestId: string;
    /** Aborts when the request times out; work started for the request should stop then. */
    signal: AbortSignal;
  };
}
