// `npm run openapi:snapshot`: publishes the current OpenAPI documents of every version into
// docs/openapi/ after an additive change (a test fails while they are stale). It refuses, and
// writes nothing, when any version would break its clients: a published version only grows.
// Such a change belongs in a new version in app/api/versions.ts.
import { mkdir, writeFile } from 'node:fs/promises';
import { buildApiDocuments } from '../app/api/openapi/documents.ts';
import { findBreakingChanges } from './openapi/breaking-changes.ts';
import { readSnapshot, SNAPSHOT_DIR, serialise, snapshotFiles } from './openapi/snapshots.ts';

const documents = Object.entries(buildApiDocuments());
let refused = false;
const writes: [URL, string][] = [];

for (const [version, current] of documents) {
  const published = await readSnapshot(version);
  const files = snapshotFiles(version);
  const next = { openapi31: serialise(current.openapi31), openapi30: serialise(current.openapi30) };
  if (published?.openapi31 === next.openapi31 && published.openapi30 === next.openapi30) {
    console.error(`${version}: unchanged`);
    continue;
  }
  const breaking = published
    ? await findBreakingChanges(JSON.parse(published.openapi30), current.openapi30)
    : [];
  if (breaking.length > 0) {
    refused = true;
    console.error(`${version}: BREAKING — not published:`);
    for (const change of breaking)
      console.error(`  ${change.rule}  ${change.where}  ${change.detail}`);
    continue;
  }
  console.error(`${version}: ${published ? 'additive changes' : 'first publication'}`);
  writes.push([files.openapi31, next.openapi31], [files.openapi30, next.openapi30]);
}

if (refused) {
  console.error(
    '\nNothing written. Published versions may only grow; put breaking changes in a new version.',
  );
  process.exit(1);
}
await mkdir(SNAPSHOT_DIR, { recursive: true });
for (const [file, text] of writes) await writeFile(file, text);
