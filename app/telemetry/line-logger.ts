// What request handling logs through: the methods the HTTP layer calls. pino's logger has them
// (the Node entry); so has the edge's console logger (console-logger.ts), where pino's
// asynchronous file-descriptor writes do not exist.
type LogMethod = (objectOrMessage: unknown, message?: string) => void;

export interface LineLogger {
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
  fatal: LogMethod;
  /** A logger whose every line also carries `bindings` (request_id, trace_id…). */
  child(bindings: Record<string, unknown>): LineLogger;
}
