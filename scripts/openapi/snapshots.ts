// The published OpenAPI documents, committed under docs/openapi/: for each version the 3.1
// document the app serves (`v1.json`) and its 3.0 rendition (`v1.openapi-3.0.json`), which is
// what the breaking-change guard compares. Written only by `npm run generate`.
import { readFile } from 'node:fs/promises';

const SNAPSHOT_DIR = new URL('../../docs/openapi/', import.meta.url);

export interface SnapshotFiles {
  openapi31: URL;
  openapi30: URL;
}

export function snapshotFiles(version: string): SnapshotFiles {
  return {
    openapi31: new URL(`${version}.json`, SNAPSHOT_DIR),
    openapi30: new URL(`${version}.openapi-3.0.json`, SNAPSHOT_DIR),
  };
}

/** The committed text of a document, as serialise() wrote it. */
export function serialise(document: object): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** The published documents of `version`, or undefined when it was never published. */
export async function readSnapshot(
  version: string,
): Promise<{ openapi31: string; openapi30: string } | undefined> {
  const files = snapshotFiles(version);
  try {
    return {
      openapi31: await readFile(files.openapi31, 'utf8'),
      openapi30: await readFile(files.openapi30, 'utf8'),
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
