// Reads a JSON request body: 415 unless it is declared as JSON, 400 when it is not UTF-8 or does
// not parse, then validation against the route's schema with the bad fields listed.
import type { Context } from 'hono';
import type { z } from 'zod';
import { HttpProblem } from './problem.ts';
import { validationProblem } from './validation.ts';

// JSON travels as UTF-8 (RFC 8259). A lenient decoder would turn bad bytes into U+FFFD and
// store them as if the client had sent them; `fatal` refuses them instead. Stateless between
// calls, so one serves every request.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

function isJsonMediaType(contentType: string | undefined): boolean {
  const type = contentType?.split(';', 1)[0]?.trim().toLowerCase();
  return (
    type === 'application/json' ||
    (type?.startsWith('application/') === true && type.endsWith('+json'))
  );
}

export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  if (!isJsonMediaType(c.req.header('content-type'))) {
    throw new HttpProblem('unsupported-media-type', {
      detail: `Expected a body of type application/json, got ${c.req.header('content-type') ?? 'none'}.`,
    });
  }
  const bytes = await c.req.arrayBuffer();
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw new HttpProblem('malformed-json', { detail: 'The body is not valid UTF-8.' });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpProblem('malformed-json', { detail: 'The body is not valid JSON.' });
  }
  const result = schema.safeParse(body);
  if (!result.success) throw validationProblem(result.error);
  return result.data;
}
