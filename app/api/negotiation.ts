// Which API version a request is for. One precedence, documented in docs/api/versioning.md:
//   1. the version in the URL (`/api/v1/users`): the address names the resource, so it wins
//      and nothing else is read there (its responses vary on nothing, caches key on the URL);
//   on unversioned paths (`/api/users`):
//   2. the `API-Version` request header (`v2`, `V2` or `2`);
//   3. the `version` query parameter (`?version=2`), for clients that cannot set headers;
//   4. the `version` parameter of a JSON media type in `Accept`
//      (`application/vnd.api+json; version=2`);
//   5. otherwise the configured default.
// The header and the query parameter each name one version, so they pin it; `Accept` is a list
// of preferences, so it must take the pinned version. Signals that cannot all be honoured are
// a conflict (400 naming both); an `Accept` no version can satisfy is a 406; an unknown version
// in the URL, header or query is a 400 listing the supported ones.
import { type Acceptance, acceptances, type VersionedMediaType } from './media-type.ts';
import { isDocumentationPath } from './openapi/documentation-path.ts';
import { type ApiVersionId, findVersion, resolveVersion } from './versions.ts';

type VersionSource = 'url' | 'header' | 'query' | 'media_type' | 'default';

/** A version a request asked for, as it was sent, and where. */
export interface VersionSignal {
  source: Exclude<VersionSource, 'default'>;
  sent: string;
}

export type Negotiated =
  | {
      ok: true;
      version: ApiVersionId;
      source: VersionSource;
      /** Set when `Accept` asked for a version or a vendor type: the response's media type. */
      mediaType?: VersionedMediaType;
    }
  | { ok: false; reason: 'unsupported-version'; signal: VersionSignal }
  | { ok: false; reason: 'conflict'; signals: [VersionSignal, VersionSignal] }
  | { ok: false; reason: 'not-acceptable' };

export type NegotiatedVersion = Extract<Negotiated, { ok: true }>;

/** What negotiation reads of a request: a Headers, or anything with the same `get`. */
export interface RequestHeaders {
  get(name: string): string | null;
}

export const VERSION_HEADER = 'API-Version';
export const VERSION_PARAMETER = 'version';

const VERSIONED = /^\/api\/(v\d+)(?:\/|$)/;
const UNVERSIONED = /^\/api\/(?!v\d+(?:\/|$))[^/]+/;
// What most clients send: takes every version as plain JSON, nothing to parse.
const TAKES_ANY = new Set(['', '*/*', 'application/json', 'application/*']);

function decodeQueryValue(raw: string): string {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '));
  } catch {
    return raw; // malformed percent-encoding: an unknown version, answered as such
  }
}

/** The non-empty `version` values in the query string; undefined when there are none. */
export function queryVersions(url: string): string[] | undefined {
  const start = url.indexOf('?');
  if (start === -1 || !url.includes(VERSION_PARAMETER, start)) return undefined;
  let values: string[] | undefined;
  for (const pair of url.slice(start + 1).split('&')) {
    const equals = pair.indexOf('=');
    if ((equals === -1 ? pair : pair.slice(0, equals)) !== VERSION_PARAMETER) continue;
    const value = equals === -1 ? '' : decodeQueryValue(pair.slice(equals + 1)).trim();
    if (value === '') continue;
    if (values) values.push(value);
    else values = [value];
  }
  return values;
}

/** A query without `version`, which chose the version before routing: no handler's to read. */
export function withoutVersion(query: Record<string, string>): Record<string, string> {
  if (!(VERSION_PARAMETER in query)) return query;
  const { [VERSION_PARAMETER]: _version, ...rest } = query;
  return rest;
}

/** How the version was named for a person reading the error. */
export function describeSignal({ source, sent }: VersionSignal): string {
  switch (source) {
    case 'url':
      return `"${sent}" in the URL`;
    case 'header':
      return `"${sent}" in the ${VERSION_HEADER} header`;
    case 'query':
      return `"${sent}" in the ${VERSION_PARAMETER} query parameter`;
    case 'media_type':
      return `"${sent}" in the Accept header`;
  }
}

interface Pinned {
  version: ApiVersionId;
  signal: VersionSignal;
}

/** The best version `Accept` takes: weight, then named, then the default, then the newest. */
function preferred(taken: readonly Acceptance[], fallback: ApiVersionId): Acceptance | undefined {
  let best: Acceptance | undefined;
  for (const candidate of taken) {
    if (candidate.q === 0) continue;
    if (
      !best ||
      candidate.q > best.q ||
      (candidate.q === best.q &&
        (candidate.namesVersion !== best.namesVersion
          ? candidate.namesVersion
          : best.version !== fallback))
    )
      best = candidate;
  }
  return best;
}

function withAccept(
  accept: string,
  pinned: Pinned | undefined,
  fallback: ApiVersionId,
): Negotiated {
  const taken = acceptances(accept);
  if (pinned) {
    const mine = taken.find((candidate) => candidate.version === pinned.version);
    if (mine && mine.q > 0) {
      return {
        ok: true,
        version: pinned.version,
        source: pinned.signal.source,
        ...(mine.explicit ? { mediaType: mine.mediaType } : {}),
      };
    }
    const asked = preferred(
      taken.filter((candidate) => candidate.namesVersion),
      fallback,
    );
    if (!asked) return { ok: false, reason: 'not-acceptable' };
    return {
      ok: false,
      reason: 'conflict',
      signals: [pinned.signal, { source: 'media_type', sent: asked.version }],
    };
  }
  const best = preferred(taken, fallback);
  if (!best) return { ok: false, reason: 'not-acceptable' };
  return {
    ok: true,
    version: best.version,
    source: best.namesVersion || best.version !== fallback ? 'media_type' : 'default',
    ...(best.explicit ? { mediaType: best.mediaType } : {}),
  };
}

/** undefined when the path is not an API path at all (health, problems, …). */
export function negotiate(
  path: string,
  url: string,
  headers: RequestHeaders,
  fallback: ApiVersionId,
): Negotiated | undefined {
  const inUrl = VERSIONED.exec(path)?.[1];
  if (inUrl !== undefined) {
    return findVersion(inUrl)
      ? { ok: true, version: inUrl as ApiVersionId, source: 'url' }
      : { ok: false, reason: 'unsupported-version', signal: { source: 'url', sent: inUrl } };
  }
  if (!UNVERSIONED.test(path)) return undefined;

  let pinned: Pinned | undefined;
  const header = headers.get(VERSION_HEADER)?.trim();
  if (header) {
    const signal: VersionSignal = { source: 'header', sent: header };
    const version = resolveVersion(header);
    if (!version) return { ok: false, reason: 'unsupported-version', signal };
    pinned = { version, signal };
  }
  for (const sent of queryVersions(url) ?? []) {
    const signal: VersionSignal = { source: 'query', sent };
    const version = resolveVersion(sent);
    if (!version) return { ok: false, reason: 'unsupported-version', signal };
    if (pinned && pinned.version !== version)
      return { ok: false, reason: 'conflict', signals: [pinned.signal, signal] };
    pinned ??= { version, signal };
  }

  // Documentation pages are HTML, CSS and scripts: `Accept` does not choose their version.
  const accept = isDocumentationPath(path) ? null : headers.get('accept');
  if (accept !== null && !TAKES_ANY.has(accept.trim())) return withAccept(accept, pinned, fallback);
  return pinned
    ? { ok: true, version: pinned.version, source: pinned.signal.source }
    : { ok: true, version: fallback, source: 'default' };
}

/** The path the router sees: unversioned API paths are routed to the negotiated version's. */
export function routedPath(path: string, negotiated: Negotiated | undefined): string {
  if (!negotiated?.ok || negotiated.source === 'url') return path;
  return `/api/${negotiated.version}${path.slice('/api'.length)}`;
}

/**
 * Negotiation once per request for an app: the router's getPath and the versioning middleware
 * both need it, so the first computes it and the second reads it back.
 */
export function createNegotiator(
  fallback: ApiVersionId,
  pathOf: (url: string) => string,
): (request: Request) => Negotiated | undefined {
  const seen = new WeakMap<Request, Negotiated>();
  return (request) => {
    const known = seen.get(request);
    if (known) return known;
    const negotiated = negotiate(pathOf(request.url), request.url, request.headers, fallback);
    // Only API requests are kept: the rest are told apart by two regular expressions anyway.
    if (negotiated) seen.set(request, negotiated);
    return negotiated;
  };
}
