// Every relative link of the project's Markdown (README.md, docs/, chart/README.md) reaches a file
// or folder that exists, and every `#fragment` into a page names one of its headings: pages move
// and headings get renamed, and a dead link in the front door is the first thing a reader meets.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { brokenReason, type Link, linksOf, slug } from '../support/markdown-links.ts';

const ROOT = join(import.meta.dirname, '../..');

/** The pages checked, relative to the root. */
function pages(root: string): string[] {
  const docs = readdirSync(join(root, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.md'))
    .map((file) => join('docs', file));
  return ['README.md', 'chart/README.md', ...docs].sort();
}

function broken(root: string, links: Link[]): string[] {
  return links.flatMap((link) => {
    const reason = brokenReason(root, link);
    return reason ? [`${link.page}:${link.line}: (${link.target}) ${reason}`] : [];
  });
}

const linksIn = (root: string, files: string[]) =>
  files.flatMap((page) => linksOf(page, readFileSync(join(root, page), 'utf8')));

describe('the project documentation', () => {
  it('has no relative link to a missing file or heading', () => {
    const files = pages(ROOT);
    expect(files).toEqual(expect.arrayContaining(['README.md', 'chart/README.md', 'docs/api.md']));
    const links = linksIn(ROOT, files);
    const relativeLinks = links.filter((link) => !/^[a-z][a-z0-9+.-]*:/i.test(link.target));
    // The front door links to every page; far fewer would mean the extraction stopped working.
    expect(relativeLinks.length).toBeGreaterThan(100);
    expect(relativeLinks.filter((link) => link.target.includes('#')).length).toBeGreaterThan(20);
    expect(broken(ROOT, links)).toEqual([]);
  });
});

describe('the link check', () => {
  const root = mkdtempSync(join(tmpdir(), 'myapp-links-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('names a missing file, a missing heading and a path out of the repository', () => {
    writeFileSync(
      join(root, 'a.md'),
      [
        '# A page',
        '## The worked example: `users.name` → `first_name`',
        '## Twice',
        '## Twice',
        '[fine](b.md) [fine too](#twice-1) [heading](#the-worked-example-usersname--first_name)',
        '[gone](missing.md) [no heading](b.md#nowhere) [out](../../etc/passwd)',
        '`[in code](missing-in-code.md)` and [site](https://example.com/x)',
        '```',
        '[in a fence](missing-in-fence.md)',
        '```',
        '[ref]: missing-ref.md',
      ].join('\n'),
    );
    writeFileSync(join(root, 'b.md'), '# B\n');
    expect(broken(root, linksIn(root, ['a.md']))).toEqual([
      'a.md:6: (missing.md) missing.md does not exist',
      'a.md:6: (b.md#nowhere) b.md has no heading #nowhere',
      'a.md:6: (../../etc/passwd) ../../etc/passwd leaves the repository',
      'a.md:11: (missing-ref.md) missing-ref.md does not exist',
    ]);
  });

  it('makes the anchors GitHub makes', () => {
    expect(slug('Canary: a share of real traffic, judged by the SLOs, rolled back by Helm')).toBe(
      'canary-a-share-of-real-traffic-judged-by-the-slos-rolled-back-by-helm',
    );
    expect(slug('`users.name` → `first_name` + `last_name`')).toBe(
      'usersname--first_name--last_name',
    );
  });
});
