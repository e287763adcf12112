// What one environment variable is (its schema, default, and the documentation's explanation)
// and the value shapes several groups share. A group (server.ts, database.ts, …) is a table of
// variables; a process (processes.ts) is the groups, or the variables of a group, it reads.
import { z } from 'zod';

interface Variable<Schema extends z.ZodType = z.ZodType> {
  /** Parses the raw value, or the default when unset or empty. */
  schema: Schema;
  /** The raw default; undefined leaves the variable unset, or required if the schema says so. */
  default: string | undefined;
  /** The documentation's explanation, in the table of each process that reads it. */
  doc: string;
  /** Its value is never echoed in an error (it may carry a password or a token). */
  secret?: true;
}

export type Variables = Readonly<Record<string, Variable>>;

/** The parsed configuration a table of variables describes. */
export type ConfigOf<V extends Variables> = { readonly [K in keyof V]: z.output<V[K]['schema']> };

/** Typed where it is written, so a group's table keeps each schema's own output type. */
export const variables = <const V extends Variables>(table: V): V => table;

export const DAY_MS = 86_400_000;

export const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+$/, `expected a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, `expected a whole number from ${min} to ${max}`)
        .max(max, `expected a whole number from ${min} to ${max}`),
    );

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(values, { error: `expected one of: ${values.join(', ')}` }));

export const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s):// URL' });

/** `a=1,b=2` → { a: parse('1'), b: parse('2') }, once `pattern` has accepted the whole list. */
export const keyValueList = <V>(pattern: RegExp, example: string, parse: (value: string) => V) =>
  z
    .string()
    .trim()
    .regex(pattern, `expected a list like ${example}`)
    .transform(
      (value) =>
        Object.fromEntries(
          value
            .split(',')
            .filter((entry) => entry.trim() !== '')
            .map((entry) => {
              const [key = '', raw = ''] = entry.split('=');
              return [key.trim(), parse(raw.trim())];
            }),
        ) as Record<string, V>,
    );

/** `a, b,c` → ['a', 'b', 'c'], once `pattern` has accepted the whole list. */
export const nameList = (pattern: RegExp, expected: string) =>
  z
    .string()
    .trim()
    .regex(pattern, expected)
    .transform((value) =>
      value
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    );
