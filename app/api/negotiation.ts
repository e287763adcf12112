// Which API version a request is for. Precedence, documented in the README:
//   1. the version in the URL (`/api/v1/users`): it is explicit and cacheable, so it wins and
//      the `API-Version` header is ignored on such paths;
//   2. on unversioned paths (`/api/users`), the `API-Version` request header;
//   3. otherwise the configured default version.
// Unknown versions, from the URL or the header, are a 400 that lists the supported ones.
import { type ApiVersionId, findVersion } from './versions.ts';

type VersionSource = 'url' | 'header' | 'default';

export type Negotiated =
  | { ok: true; version: ApiVersionId; source: VersionSource }
  | { ok: false; requested: string; source: Exclude<VersionSource, 'default'> };

export const VERSION_HEADER = 'API-Version';

const VERSIONED = /^\/api\/(v\d+)(?:\/|$)/;
const UNVERSIONED = /^\/api\/(?!v\d+(?:\/|$))[^/]+/;

/** undefined when the path is not an API path at all (health, problems, …). */
export function negotiate(
  path: string,
  header: string | null,
  defaultVersion: ApiVersionId,
): Negotiated | undefined {
  const inUrl = VERSIONED.exec(path)?.[1];
  if (inUrl !== undefined) {
    return findVersion(inUrl)
      ? { ok: true, version: inUrl as ApiVersionId, source: 'url' }
      : { ok: false, requested: inUrl, source: 'url' };
  }
  if (!UNVERSIONED.test(path)) return undefined;
  if (header === null || header.trim() === '')
    return { ok: true, version: defaultVersion, source: 'default' };
  const requested = header.trim().toLowerCase();
  return findVersion(requested)
    ? { ok: true, version: requested as ApiVersionId, source: 'header' }
    : { ok: false, requested: header.trim(), source: 'header' };
}

/** The path the router sees: unversioned API paths are routed to the negotiated version's. */
export function routedPath(path: string, negotiated: Negotiated | undefined): string {
  if (!negotiated?.ok || negotiated.source === 'url') return path;
  return `/api/${negotiated.version}${path.slice('/api'.length)}`;
}
