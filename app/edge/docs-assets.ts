// The docs page's Swagger UI files inside the edge bundle (esbuild inlines them: the runtimes
// have no file system). Compressed with the Web-standard CompressionStream on first request;
// until that has finished the page's files go out uncompressed.

import swaggerCss from 'swagger-ui-dist/swagger-ui.css' with { type: 'text' };
import swaggerBundle from 'swagger-ui-dist/swagger-ui-bundle.js' with { type: 'text' };
import type { DocsAsset } from '../api/openapi/docs-page.ts';
import { DOCS_FILES, START_SCRIPT } from '../api/openapi/docs-page.ts';

function asset(contentType: string, text: string): DocsAsset {
  const body = new TextEncoder().encode(text) as Uint8Array<ArrayBuffer>;
  let gzipped: Uint8Array<ArrayBuffer> | undefined;
  let started = false;
  return {
    contentType,
    body,
    gzipped() {
      if (!started) {
        started = true;
        const stream = new Blob([body]).stream().pipeThrough(new CompressionStream('gzip'));
        new Response(stream)
          .arrayBuffer()
          .then((buffer) => {
            gzipped = new Uint8Array(buffer);
          })
          .catch(() => {});
      }
      return gzipped;
    },
  };
}

export function bundledDocsAssets(): Record<string, DocsAsset> {
  return {
    'swagger-ui-bundle.js': asset(DOCS_FILES['swagger-ui-bundle.js'], swaggerBundle),
    'swagger-ui.css': asset(DOCS_FILES['swagger-ui.css'], swaggerCss),
    'start.js': asset(DOCS_FILES['start.js'], START_SCRIPT),
  };
}
