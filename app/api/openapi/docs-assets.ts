// The docs page's assets for the Node entry: read from the installed swagger-ui-dist package
// once per app, gzipped on first use; and the versions' migration guides, from docs/api/. The edge bundle carries them inside it instead
// (app/edge/docs-assets.ts), having no file system.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { type ApiVersionId, apiVersions } from '../versions.ts';
import { DOCS_FILES, type DocsAsset, START_SCRIPT } from './docs-page.ts';

function asset(contentType: string, body: Uint8Array<ArrayBuffer>): DocsAsset {
  let gzipped: Uint8Array<ArrayBuffer> | undefined;
  return {
    contentType,
    body,
    gzipped: () => {
      gzipped ??= new Uint8Array(gzipSync(body, { level: 9 }));
      return gzipped;
    },
  };
}

/** The page's assets by file name, read from the installed package. */
export function loadDocsAssets(): Record<string, DocsAsset> {
  const require = createRequire(import.meta.url);
  const read = (file: string) => readFileSync(require.resolve(`swagger-ui-dist/${file}`));
  return {
    'swagger-ui-bundle.js': asset(DOCS_FILES['swagger-ui-bundle.js'], read('swagger-ui-bundle.js')),
    'swagger-ui.css': asset(DOCS_FILES['swagger-ui.css'], read('swagger-ui.css')),
    'start.js': asset(DOCS_FILES['start.js'], new TextEncoder().encode(START_SCRIPT)),
  };
}

/**
 * Each version's migration guide, the Markdown in docs/api/ read once per app, so the link in
 * the deprecation banner (and so `Link: rel="deprecation"`) reaches it wherever the app runs.
 */
export function loadMigrationGuides(): Partial<Record<ApiVersionId, Uint8Array<ArrayBuffer>>> {
  const guides: Partial<Record<ApiVersionId, Uint8Array<ArrayBuffer>>> = {};
  for (const version of apiVersions) {
    if (version.migrationGuide)
      guides[version.id] = readFileSync(
        new URL(`../../../${version.migrationGuide.file}`, import.meta.url),
      );
  }
  return guides;
}
