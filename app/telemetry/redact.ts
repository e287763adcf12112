// Censors sensitive fields by name, wherever they sit in a log line (a few levels deep). pino's
// own `redact` with wildcard paths (`*.email`) costs about 10 µs on EVERY line — three times the
// line itself — even on access-log lines that never carry such fields; this walks the line's
// keys once and copies only the objects it has to change.
const MAX_DEPTH = 4;

/** Credentials must never reach a log line, whatever an error object happens to carry. */
export const SECRET_FIELDS = [
  'password',
  'token',
  'secret',
  'authorization',
  'cookie',
  'set-cookie',
  'databaseUrl',
];

const CENSOR = '[redacted]';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null || value instanceof Error;
}

/** Own properties included, so an Error keeps its message and stack for pino's serializer. */
function shallowCopy(object: Record<string, unknown>): Record<string, unknown> {
  if (!(object instanceof Error)) return { ...object };
  return Object.create(Object.getPrototypeOf(object), Object.getOwnPropertyDescriptors(object));
}

/** A function returning `object` itself when nothing matches, else a censored copy. */
export function createRedactor(
  keys: Iterable<string>,
): <T extends Record<string, unknown>>(object: T) => T {
  const names = new Set([...keys].map((key) => key.toLowerCase()));
  const redact = (object: Record<string, unknown>, depth: number): Record<string, unknown> => {
    let copy: Record<string, unknown> | undefined;
    for (const key of Object.keys(object)) {
      const value = object[key];
      let replaced: unknown = value;
      if (names.has(key.toLowerCase())) replaced = CENSOR;
      else if (depth < MAX_DEPTH && isPlainObject(value)) replaced = redact(value, depth + 1);
      if (replaced !== value) {
        copy ??= shallowCopy(object);
        (copy as Record<string, unknown>)[key] = replaced;
      }
    }
    return copy ?? object;
  };
  return (object) => redact(object, 0) as typeof object;
}
