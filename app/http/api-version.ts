// Negotiates the API version of every /api request (see app/api/negotiation.ts) and says what
// the registry says about it on every response of that version, on every path:
//   API-Version: <resolved>          always, so clients see what they got
//   Vary: API-Version                on unversioned paths, where the header picks the version
//   Deprecation: @<unix seconds>     RFC 9745, once the version is deprecated
//   Sunset: <HTTP-date>              RFC 8594
//   Link: rel="deprecation", rel="successor-version", rel="sunset"
// After its sunset a version answers 410 everywhere, pointing at its successor.
import type { Context, MiddlewareHandler } from 'hono';
import { type Negotiated, negotiate, VERSION_HEADER } from '../api/negotiation.ts';
import {
  type ApiVersion,
  type ApiVersionId,
  findVersion,
  statusAt,
  versionIds,
} from '../api/versions.ts';
import type { AppEnv } from './env.ts';
import { requestedPath } from './path.ts';
import { problemResponse } from './problem.ts';

function successorPath(path: string, version: ApiVersion): string | undefined {
  if (!version.successor) return undefined;
  return path.replace(/^\/api(?:\/v\d+)?/, `/api/${version.successor}`);
}

function deprecationLinks(version: ApiVersion, path: string): string {
  const links = [`<${version.docs}>; rel="deprecation"; type="text/html"`];
  const successor = successorPath(path, version);
  if (successor) links.push(`<${successor}>; rel="successor-version"`);
  if (version.sunsetAt) links.push(`<${version.docs}#sunset>; rel="sunset"; type="text/html"`);
  return links.join(', ');
}

export interface ApiVersioningOptions {
  defaultVersion: ApiVersionId;
  clock: () => Date;
  /** Called for each request whose version is known, retired ones included (usage metric). */
  onUse?: (negotiated: Extract<Negotiated, { ok: true }>, c: Context<AppEnv>) => void;
  /** Called for each request to a deprecated version (metrics, sampled logs). */
  onDeprecatedUse?: (version: ApiVersion, path: string, c: Context<AppEnv>) => void;
}

export function apiVersioning(options: ApiVersioningOptions): MiddlewareHandler<AppEnv> {
  const supported = versionIds.join(', ');
  return async (c, next) => {
    const path = requestedPath(c.req.url);
    const negotiated = negotiate(
      path,
      c.req.header(VERSION_HEADER) ?? null,
      options.defaultVersion,
    );
    if (!negotiated) return next();
    const vary = negotiated.source !== 'url' ? { Vary: VERSION_HEADER } : undefined;
    if (!negotiated.ok) {
      return problemResponse(c, 'unsupported-version', {
        detail: `API version "${negotiated.requested}" (from the ${negotiated.source === 'url' ? 'URL' : `${VERSION_HEADER} header`}) does not exist; supported versions: ${supported}.`,
        extensions: { supportedVersions: versionIds },
        headers: vary,
      });
    }
    c.set('apiVersion', negotiated);
    options.onUse?.(negotiated, c);
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
    const headers = c.res.headers;
    headers.set(VERSION_HEADER, version.id);
    if (vary) headers.append('Vary', VERSION_HEADER);
    if (status === 'deprecated' && version.deprecatedAt) {
      headers.set('Deprecation', `@${Math.floor(version.deprecatedAt.getTime() / 1000)}`);
      if (version.sunsetAt) headers.set('Sunset', version.sunsetAt.toUTCString());
      headers.append('Link', deprecationLinks(version, path));
      options.onDeprecatedUse?.(version, path, c);
    }
  };
}
