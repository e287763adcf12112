// The human documentation of each version: Swagger UI from the swagger-ui-dist package, served by
// the app itself (no CDN: it works offline and behind strict egress), pointed at the version's
// document, under a banner that says what the registry says about the version's lifecycle.
import type { ApiVersion } from '../versions.ts';

export interface DocsAsset {
  contentType: string;
  body: Uint8Array<ArrayBuffer>;
  /**
   * The body gzipped, compressed on first use and kept (the bundle: 1.7 MB → about 0.5 MB).
   * Undefined while it is not ready (the edge compresses asynchronously): send the body as is.
   */
  gzipped(): Uint8Array<ArrayBuffer> | undefined;
}

// Starts Swagger UI on the element that names the document. A file of its own rather than an
// inline script, so the page's Content-Security-Policy can forbid inline scripts. validatorUrl
// null: Swagger UI would otherwise send the document to a public validator.
export const START_SCRIPT = `window.addEventListener('load', function () {
  var root = document.getElementById('swagger-ui');
  window.ui = SwaggerUIBundle({ url: root.dataset.document, domNode: root, deepLinking: true, validatorUrl: null });
});
`;

/** The files the page loads, by name, with their content types (the assets' keys). */
export const DOCS_FILES = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
  'start.js': 'text/javascript; charset=utf-8',
} as const;

/** Swagger UI sets inline styles and shows data: images; nothing may come from elsewhere. */
export const DOCS_CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function lifecycleBanner(version: ApiVersion): string {
  if (!version.deprecatedAt) return '';
  const successor = version.successor
    ? ` Move to <a href="/api/${version.successor}/docs">${version.successor}</a>.`
    : '';
  const guide = version.migrationGuide
    ? ` How: <a href="${version.migrationGuide.path}">the migration guide</a>.`
    : '';
  const sunset = version.sunsetAt
    ? ` On <strong>${day(version.sunsetAt)}</strong> (its sunset) it stops answering: every request gets <code>410 Gone</code>.`
    : '';
  return `<section id="sunset" class="lifecycle"><p>API ${version.id} is <strong>deprecated</strong> since ${day(version.deprecatedAt)}.${sunset}${successor}${guide}</p></section>`;
}

export function docsPage(version: ApiVersion, base: string, documentUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>myapp API ${version.id}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${base}/swagger-ui.css">
<style>.lifecycle{font-family:sans-serif;margin:0;padding:12px 20px;background:#fff4e5;border-bottom:2px solid #f0a020}</style>
</head>
<body>
${lifecycleBanner(version)}
<div id="swagger-ui" data-document="${documentUrl}"></div>
<script src="${base}/swagger-ui-bundle.js"></script>
<script src="${base}/start.js"></script>
</body>
</html>
`;
}
