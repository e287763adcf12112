import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { FlagContext } from '../flags/flags.ts';
import { flagContext } from './flag-context.ts';

/** The flag context a request gets from the TCP peer `peer`, as the runtime reports it. */
async function contextOf(
  headers: Record<string, string>,
  trustedProxyHops = 0,
  peer: string | null = '198.51.100.1',
): Promise<FlagContext> {
  const app = new Hono();
  app.get('/', (c) =>
    c.json(flagContext(c, { trustedProxyHops, peerAddress: () => peer ?? undefined })),
  );
  return (await app.request('/', { headers })).json();
}

describe('flagContext', () => {
  it('carries a sane X-Session-ID for stickiness, and the client address', async () => {
    expect(await contextOf({ 'x-session-id': 'sess-1:a.b_c' })).toEqual({
      sessionId: 'sess-1:a.b_c',
      remoteAddress: '198.51.100.1',
    });
  });

  it.each([
    ['too long', 'a'.repeat(129)],
    ['with spaces', 'a b'],
    ['with a line break', 'a\\nb'],
    ['empty', ''],
  ])('ignores a session id %s rather than feeding it to targeting', async (_what, session) => {
    expect(await contextOf({ 'x-session-id': session })).toEqual({ remoteAddress: '198.51.100.1' });
  });

  it('takes the address from X-Forwarded-For only as far as proxies are trusted', async () => {
    const forwarded = { 'x-forwarded-for': '192.0.2.1, 203.0.113.7' };
    expect((await contextOf(forwarded, 0)).remoteAddress).toBe('198.51.100.1');
    expect((await contextOf(forwarded, 1)).remoteAddress).toBe('203.0.113.7');
  });

  it('says unknown where the runtime gives no socket', async () => {
    expect((await contextOf({}, 0, null)).remoteAddress).toBe('unknown');
  });
});
