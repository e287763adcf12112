// The routes every baseline serves, matched once per request by one regular expression, so
// that routing costs the baselines as little as it can.
import type { Version } from './users-sql.ts';

export type Route =
  | { kind: 'health' }
  | { kind: 'get'; version: Version; id: number }
  | { kind: 'list'; version: Version; limit: number }
  | { kind: 'create' };

const USERS = /^\/api\/(v1|v2)\/users(?:\/(\d{1,15}))?(?:\?limit=(\d{1,3}))?$/;

export function route(method: string, url: string): Route | undefined {
  if (url === '/health') return method === 'GET' ? { kind: 'health' } : undefined;
  const match = USERS.exec(url);
  if (!match) return undefined;
  const version = match[1] as Version;
  if (match[2])
    return method === 'GET' ? { kind: 'get', version, id: Number(match[2]) } : undefined;
  if (method === 'POST' && version === 'v1') return { kind: 'create' };
  if (method === 'GET') return { kind: 'list', version, limit: Number(match[3] ?? 20) };
  return undefined;
}

export const HEALTH = JSON.stringify({ status: 'ok', lifecycle: 'ready' });
