// Serves each version's OpenAPI 3.1 document and its documentation page:
//   GET /api/{version}/openapi.json   the document, serialised once
//   GET /api/{version}/docs           Swagger UI on that document, assets under …/docs/
// Both live under the version's path, so they carry its headers (deprecation, rate limits) and
// go away with it at its sunset; unversioned `/api/docs` negotiates like any API path.
import { Hono } from 'hono';
import { problemResponse } from '../../http/problem.ts';
import { type ApiVersionId, apiVersions } from '../versions.ts';
import { DOCS_CONTENT_SECURITY_POLICY, type DocsAsset, docsPage } from './docs-page.ts';
import type { VersionDocuments } from './version-document.ts';

/** Whether `Accept-Encoding` takes gzip: listed (or `*`) and not refused with `q=0`. */
export function acceptsGzip(header: string | undefined): boolean {
  let accepted = false;
  for (const entry of (header ?? '').toLowerCase().split(',')) {
    const [coding, ...parameters] = entry.split(';').map((part) => part.trim());
    if (coding !== 'gzip' && coding !== '*') continue;
    const refused = parameters.some((parameter) => /^q=0(?:\.0{0,3})?$/.test(parameter));
    if (coding === 'gzip') return !refused;
    accepted = !refused;
  }
  return accepted;
}

export function openApiRoutes(
  documents: Record<ApiVersionId, VersionDocuments>,
  assets: Record<string, DocsAsset>,
  guides: Partial<Record<ApiVersionId, Uint8Array<ArrayBuffer>>>,
): Hono {
  const router = new Hono();
  for (const version of apiVersions) {
    const documentUrl = `/api/${version.id}/openapi.json`;
    const docsUrl = `/api/${version.id}/docs`;
    const json = JSON.stringify(documents[version.id].openapi31);
    const page = docsPage(version, docsUrl, documentUrl);

    router.get(documentUrl, (c) =>
      c.body(json, 200, {
        'Content-Type': 'application/json; charset=utf-8',
        'Cache-Control': 'no-cache',
      }),
    );
    router.get(docsUrl, (c) =>
      c.html(page, 200, {
        'Content-Security-Policy': DOCS_CONTENT_SECURITY_POLICY,
        'Cache-Control': 'no-cache',
      }),
    );
    // The migration guide is served by the assets' route, not a route of its own: a fixed path
    // beside a parameter at the same place is a route Hono's RegExpRouter cannot take, and one
    // such route makes the whole app fall back to the slower TrieRouter on every request.
    const guide = guides[version.id];
    const guidePath = version.migrationGuide?.path;
    if (guidePath && !/^[^/]+$/.test(guidePath.replace(`${docsUrl}/`, '')))
      throw new Error(`${version.id}'s migration guide ${guidePath} is not a page of ${docsUrl}/`);
    const guideName = guidePath?.replace(`${docsUrl}/`, '');
    router.get(`${docsUrl}/:asset`, (c) => {
      const name = c.req.param('asset');
      if (guide && name === guideName) {
        // Markdown, sent as plain text: every browser shows it, and it reads well as it is.
        return c.body(guide, 200, {
          'Content-Type': 'text/plain; charset=utf-8',
          'Cache-Control': 'no-cache',
        });
      }
      const asset = Object.hasOwn(assets, name) ? assets[name] : undefined;
      if (!asset)
        return problemResponse(c, 'not-found', { detail: `No documentation asset ${name}.` });
      const headers = {
        'Content-Type': asset.contentType,
        'Cache-Control': 'public, max-age=3600',
        Vary: 'Accept-Encoding',
      };
      const gzipped = acceptsGzip(c.req.header('accept-encoding')) ? asset.gzipped() : undefined;
      if (!gzipped) return c.body(asset.body, 200, headers);
      return c.body(gzipped, 200, { ...headers, 'Content-Encoding': 'gzip' });
    });
  }
  return router;
}
