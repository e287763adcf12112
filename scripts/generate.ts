// `npm run generate`: writes every generated file from its source (scripts/generated.ts says
// which). `npm run generate -- --check` writes nothing and exits 1 naming each stale file. Both
// refuse, writing nothing, when a published API version would break its clients: a published
// version only grows, and a breaking change belongs in a new version in app/api/versions.ts.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { generated, ROOT, staleFiles } from './generated.ts';

const check = process.argv.includes('--check');
const { files, refusals } = await generated();
if (refusals.length > 0) {
  process.stderr.write(
    `${refusals.join('\n')}\nNothing written: published versions may only grow.\n`,
  );
  process.exit(1);
}
const stale = await staleFiles(files);
if (check) {
  if (stale.length > 0) {
    process.stderr.write(
      `stale generated files (run npm run generate):\n  ${stale.join('\n  ')}\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`${files.size} generated files are current\n`);
} else {
  for (const path of stale) {
    const content = files.get(path);
    if (content === undefined) continue;
    if (content === null) await rm(join(ROOT, path));
    else {
      await mkdir(dirname(join(ROOT, path)), { recursive: true });
      await writeFile(join(ROOT, path), content);
    }
    process.stdout.write(`${content === null ? 'removed' : 'wrote'} ${path}\n`);
  }
  if (stale.length === 0) process.stdout.write('every generated file was current\n');
}
