// Negotiates the API version of every /api request (see app/api/negotiation.ts) and says what
// the registry says about it on every response of that version, on every path:
//   API-Version: <resolved>          always, so clients see what they got
//   Vary: API-Version, Accept        on unversioned paths, where those headers pick the version
//   Content-Location: /api/v2/…      on unversioned paths, the versioned URL that answered
//   Content-Type: <type>; version=2  when Accept asked for a version or a vendor media type
//   Deprecation: @<unix seconds>     RFC 9745, once the version is deprecated
//   Sunset: <HTTP-date>              RFC 8594
//   Link: rel="deprecation", rel="successor-version", rel="sunset"
// After its sunset a version answers 410 everywhere, pointing at its successor.
import type { Context, MiddlewareHandler } from 'hono';
import { requestedPath } from '../../http/path.ts';
import { problemResponse } from '../../http/problem.ts';
import { appendResponseHeader, setResponseHeader } from '../../http/response-headers.ts';

declare module 'hono' {
  interface ContextVariableMap {
    /** Set on /api requests once their version is known. */
    apiVersion: NegotiatedVersion;
  }
}

import {
  describeSignal,
  type Negotiated,
  type NegotiatedVersion,
  routedPath,
  VERSION_HEADER,
  VERSION_PARAMETER,
} from '../negotiation.ts';
import { type ApiVersion, findVersion, statusAt, versionIds, versionNumber } from '../versions.ts';

function successorPath(path: string, version: ApiVersion): string | undefined {
  if (!version.successor) return undefined;
  // `/api/v1users` is an unversioned path: only a whole `/vN` segment is the version.
  return path.replace(/^\/api(?:\/v\d+)?(?=\/|$)/, `/api/${version.successor}`);
}

/** A version's own Link values, formatted once per version rather than per response. */
const ownLinks = new WeakMap<ApiVersion, { deprecation: string; sunset: string }>();

function deprecationLinks(version: ApiVersion, path: string): string {
  let links = ownLinks.get(version);
  if (!links) {
    links = {
      deprecation: `<${version.docs}>; rel="deprecation"; type="text/html"`,
      sunset: version.sunsetAt ? `, <${version.docs}#sunset>; rel="sunset"; type="text/html"` : '',
    };
    ownLinks.set(version, links);
  }
  const successor = successorPath(path, version);
  return successor
    ? `${links.deprecation}, <${successor}>; rel="successor-version"${links.sunset}`
    : `${links.deprecation}${links.sunset}`;
}

/** A version's dates as header values, formatted once per date rather than per response. */
const formatted = new WeakMap<Date, { deprecation: string; sunset: string }>();
function headerDates(date: Date) {
  let values = formatted.get(date);
  if (!values) {
    values = { deprecation: `@${Math.floor(date.getTime() / 1000)}`, sunset: date.toUTCString() };
    formatted.set(date, values);
  }
  return values;
}
const deprecationHeader = (date: Date) => headerDates(date).deprecation;
const sunsetHeader = (date: Date) => headerDates(date).sunset;

/** The versioned URL that served an unversioned request, without the `version` parameter. */
function contentLocation(url: string, routed: string): string {
  const start = url.indexOf('?');
  if (start === -1) return routed;
  const query = new URLSearchParams(url.slice(start + 1));
  query.delete(VERSION_PARAMETER);
  const search = query.toString();
  return search ? `${routed}?${search}` : routed;
}

// Methods whose successful body is a representation of the target, as Content-Location says.
const REPRESENTS_TARGET = new Set(['GET', 'HEAD', 'PATCH']);
const VARY = `${VERSION_HEADER}, Accept`;

function failure(c: Context, negotiated: Exclude<Negotiated, { ok: true }>): Response {
  const headers = { Vary: VARY };
  const supportedVersions = versionIds;
  const supported = versionIds.join(', ');
  switch (negotiated.reason) {
    case 'unsupported-version':
      return problemResponse(c, 'unsupported-version', {
        detail: `API version ${describeSignal(negotiated.signal)} does not exist; supported versions: ${supported} (also written ${versionIds.map(versionNumber).join(', ')}).`,
        extensions: { supportedVersions },
        headers: negotiated.signal.source === 'url' ? undefined : headers,
      });
    case 'conflict': {
      const [first, second] = negotiated.signals;
      return problemResponse(c, 'conflicting-versions', {
        detail: `The request asks for API version ${describeSignal(first)} but for ${describeSignal(second)}; name one version, or the same in both.`,
        extensions: {
          conflictingVersions: { [first.source]: first.sent, [second.source]: second.sent },
        },
        headers,
      });
    }
    case 'not-acceptable':
      return problemResponse(c, 'not-acceptable', {
        detail: `No API version can be served as the Accept header asks. Every version answers application/json, application/vnd.myapp+json and application/vnd.api+json, with a version parameter (${versionIds.map((id) => `version=${versionNumber(id)}`).join(', ')}) or without one.`,
        extensions: { supportedVersions },
        headers,
      });
  }
}

export interface ApiVersioningOptions {
  /** The app's negotiator (createNegotiator): the same result its router was given. */
  negotiate: (request: Request) => Negotiated | undefined;
  clock: () => Date;
  /**
   * Called for each request whose version is known, retired ones included (usage metric), with
   * the path the client asked for.
   */
  onUse?: (negotiated: NegotiatedVersion, path: string, c: Context) => void;
  /** Called for each request to a deprecated version (metrics, sampled logs). */
  onDeprecatedUse?: (version: ApiVersion, path: string, c: Context) => void;
}

export function apiVersioning(options: ApiVersioningOptions): MiddlewareHandler {
  return async function apiVersioning(c, next) {
    const negotiated = options.negotiate(c.req.raw);
    if (!negotiated) return next();
    if (!negotiated.ok) return failure(c, negotiated);
    const path = requestedPath(c.req.url);
    const vary = negotiated.source !== 'url' ? { Vary: VARY } : undefined;
    c.set('apiVersion', negotiated);
    options.onUse?.(negotiated, path, c);
    const version = findVersion(negotiated.version) as ApiVersion;
    const status = statusAt(version, options.clock());
    if (status === 'sunset') {
      const successor = successorPath(path, version);
      return problemResponse(c, 'version-sunset', {
        detail: `API ${version.id} was retired on ${version.sunsetAt?.toISOString()}.${successor ? ` Use ${successor} instead.` : ''}`,
        extensions: { successor: successor ?? null },
        headers: {
          ...vary,
          [VERSION_HEADER]: version.id,
          ...(successor ? { Link: `<${successor}>; rel="successor-version"` } : {}),
        },
      });
    }
    await next();
    // Only versioned-URL requests with plain JSON stay off the response's Headers (the hot
    // path): Vary and Content-Type are also a handler's, so they are changed on the response.
    setResponseHeader(c, VERSION_HEADER, version.id);
    if (vary) {
      c.res.headers.append('Vary', VARY);
      if (c.res.ok && REPRESENTS_TARGET.has(c.req.method))
        c.res.headers.set(
          'Content-Location',
          contentLocation(c.req.url, routedPath(path, negotiated)),
        );
    }
    if (negotiated.mediaType && c.res.headers.get('content-type')?.startsWith('application/json'))
      c.res.headers.set(
        'Content-Type',
        `${negotiated.mediaType}; version=${versionNumber(version.id)}`,
      );
    if (status === 'deprecated' && version.deprecatedAt) {
      setResponseHeader(c, 'Deprecation', deprecationHeader(version.deprecatedAt));
      if (version.sunsetAt) setResponseHeader(c, 'Sunset', sunsetHeader(version.sunsetAt));
      appendResponseHeader(c, 'Link', deprecationLinks(version, path));
      options.onDeprecatedUse?.(version, path, c);
    }
  };
}
