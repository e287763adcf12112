// Reads a JSON request body: 415 unless it is declared as JSON, 400 when it does not parse,
// then validation against the route's schema with every bad field listed.
import type { Context } from 'hono';
import type { z } from 'zod';
import type { AppEnv } from './env.ts';
import { HttpProblem } from './problem.ts';
import { validationProblem } from './validation.ts';

function isJsonMediaType(contentType: string | undefined): boolean {
  const type = contentType?.split(';', 1)[0]?.trim().toLowerCase();
  return (
    type === 'application/json' ||
    (type?.startsWith('application/') === true && type.endsWith('+json'))
  );
}

export async function readJson<S extends z.ZodType>(
  c: Context<AppEnv>,
  schema: S,
): Promise<z.output<S>> {
  if (!isJsonMediaType(c.req.header('content-type'))) {
    throw new HttpProblem('unsupported-media-type', {
      detail: `Expected a body of type application/json, got ${c.req.header('content-type') ?? 'none'}.`,
    });
  }
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    throw new HttpProblem('malformed-json', { detail: 'The body is not valid JSON.' });
  }
  const result = schema.safeParse(body);
  if (!result.success) throw validationProblem(result.error);
  return result.data;
}
