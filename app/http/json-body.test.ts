import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from '../telemetry/logger.ts';
import { errorHandler } from './errors.ts';
import { readJson } from './json-body.ts';

const schema = z.strictObject({ name: z.string().min(1), age: z.number().int().optional() });

/** A route that echoes the body readJson accepted; its problems go through the app's handler. */
function echo() {
  const app = new Hono();
  app.post('/', async (c) => c.json(await readJson(c, schema)));
  app.onError(
    errorHandler({
      logger: createLogger({ level: 'silent', destination: { write() {} } }),
      knownErrors: [],
      classifiers: [],
    }),
  );
  return (body: BodyInit, contentType?: string) =>
    app.request('/', {
      method: 'POST',
      body,
      headers: contentType === undefined ? {} : { 'content-type': contentType },
    });
}

describe('readJson', () => {
  it.each([
    'application/json',
    'application/json; charset=utf-8',
    'Application/JSON',
    'application/merge-patch+json',
    'application/vnd.myapp+json; version=2',
  ])('reads a body declared as %s', async (contentType) => {
    const response = await echo()('{"name":"Ada"}', contentType);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ name: 'Ada' });
  });

  it.each([
    ['no content type', undefined],
    ['text/plain', 'text/plain'],
    ['form data', 'application/x-www-form-urlencoded'],
    ['a JSON look-alike', 'text/json'],
    ['a suffix on a non-application type', 'text/vnd.x+json'],
    ['a stream of JSON texts', 'application/x-ndjson'],
  ])('answers 415 for a body with %s', async (_what, contentType) => {
    // Bytes, since a string body would get text/plain from the Request itself.
    const response = await echo()(new TextEncoder().encode('{"name":"Ada"}'), contentType);
    expect(response.status).toBe(415);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const body = await response.json();
    expect(body.type).toBe('/problems/unsupported-media-type');
    expect(body.detail).toContain(contentType ?? 'none');
  });

  it('answers 400 malformed-json for text that is not JSON', async () => {
    const response = await echo()('{"name": "Ada",', 'application/json');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      type: '/problems/malformed-json',
      detail: 'The body is not valid JSON.',
    });
  });

  it('answers 400 for an empty body rather than reading it as nothing', async () => {
    const response = await echo()('', 'application/json');
    expect(response.status).toBe(400);
    expect((await response.json()).type).toBe('/problems/malformed-json');
  });

  it('refuses bytes that are not UTF-8 instead of storing replacement characters', async () => {
    // "Ad" then a lone continuation byte: a lenient decoder would make it "Ad\uFFFD".
    const bytes = new Uint8Array([...new TextEncoder().encode('{"name":"Ad'), 0x80, 0x22, 0x7d]);
    const response = await echo()(bytes, 'application/json');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      type: '/problems/malformed-json',
      detail: 'The body is not valid UTF-8.',
    });
  });

  it('reads multi-byte UTF-8 text as sent', async () => {
    const response = await echo()(
      new TextEncoder().encode('{"name":"Zoë 李"}'),
      'application/json',
    );
    expect(await response.json()).toEqual({ name: 'Zoë 李' });
  });

  it('answers 400 validation-error listing each bad field by JSON pointer', async () => {
    const response = await echo()('{"name":"","age":1.5,"admin":true}', 'application/json');
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.type).toBe('/problems/validation-error');
    expect(body.errors.map((error: { pointer: string }) => error.pointer).sort()).toEqual([
      '#/admin',
      '#/age',
      '#/name',
    ]);
  });

  it('answers 400 for JSON of the wrong shape, such as an array', async () => {
    const response = await echo()('[{"name":"Ada"}]', 'application/json');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      type: '/problems/validation-error',
      errors: [{ pointer: '#' }],
    });
  });
});
