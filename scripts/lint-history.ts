// Keeps project history out of the tree: code, comments, docs, metric metadata and CI scripts
// say what is, never which issue or session brought it ("issue 6", "the seed"), and never point
// at reference pages that live outside the repository. History lives in commit messages.
//
//   node scripts/lint-history.ts    # part of `npm run lint`; exits 1 naming each line
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');

const PATTERNS: { pattern: RegExp; why: string }[] = [
  { pattern: /\bissues? #?\d+/i, why: 'an issue number' },
  // The write-up the project grew from; a random seed or seed rows are fine.
  {
    pattern: /\bthe seed(?:'s| write-?up)|\b(?:of|as|at|by|from) the seed\b/i,
    why: 'the project history ("the seed")',
  },
  { pattern: /(?<![\w/.])reference\/\w+\.md/, why: 'a reference page outside the repository' },
];

/** Generated or third-party text, and this file, which must name what it looks for. */
const SKIP = [/^docs\/openapi\//, /^package-lock\.json$/, /^scripts\/lint-history\.ts$/];

function findHistory(path: string, text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, index) => {
    for (const { pattern, why } of PATTERNS)
      if (pattern.test(line)) found.push(`${path}:${index + 1}: ${why}: ${line.trim()}`);
  });
  return found;
}

if (import.meta.main) {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((path) => path && !SKIP.some((skip) => skip.test(path)));
  const found = files.flatMap((path) => {
    let text: string;
    try {
      text = readFileSync(join(ROOT, path), 'utf8');
    } catch {
      return []; // deleted in the work tree
    }
    return text.includes('\0') ? [] : findHistory(path, text);
  });
  if (found.length > 0) {
    process.stderr.write(
      `History in the tree (it belongs in commit messages):\n${found.join('\n')}\n`,
    );
    process.exit(1);
  }
}
