import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { describe, expect, it } from 'vitest';
import { SECURITY_HEADERS, securityHeaders } from './security-headers.ts';

async function headersOf(middleware: ReturnType<typeof securityHeaders>) {
  const app = new Hono();
  app.use(middleware);
  app.get('/', (c) => c.json({}));
  const response = await app.request('/');
  return Object.fromEntries(response.headers);
}

describe('securityHeaders', () => {
  it("sets what Hono's secureHeaders sets with a same-origin resource policy", async () => {
    const ours = await headersOf(securityHeaders());
    const hono = await headersOf(
      secureHeaders({ crossOriginResourcePolicy: 'same-origin' }) as ReturnType<
        typeof securityHeaders
      >,
    );
    expect(ours).toEqual(hono);
    expect(Object.keys(ours)).toHaveLength(SECURITY_HEADERS.length + 1);
  });
});
