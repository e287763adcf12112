// The relative links of Markdown pages and whether each resolves: the file or folder must exist,
// and a `#fragment` into a Markdown page must name one of its headings, with the anchors GitHub
// gives them. Links to other sites (`https:`, `mailto:`) are not followed: that needs a network
// and says nothing about this repository.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

export interface Link {
  /** The page the link is on, relative to the root. */
  page: string;
  line: number;
  target: string;
}

/** The page's lines with those of fenced code blocks blanked (numbering kept). */
function outsideFences(text: string): string[] {
  let fence: string | undefined;
  return text.split('\n').map((line) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker?.startsWith(fence)) fence = undefined;
      return '';
    }
    if (marker) fence = marker;
    return marker ? '' : line;
  });
}

/** A line with its code spans blanked: a link written as code is an example, not a link. */
const withoutCodeSpans = (line: string) =>
  line.replace(/(`+)(?:(?!\1).)+?\1/g, (span) => ' '.repeat(span.length));

/** Inline links `[text](target "title")`, images included, and reference definitions `[id]: target`. */
export function linksOf(page: string, text: string): Link[] {
  const links: Link[] = [];
  outsideFences(text)
    .map(withoutCodeSpans)
    .forEach((line, index) => {
      for (const match of line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
        links.push({ page, line: index + 1, target: match[1] as string });
      const definition = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(line);
      if (definition) links.push({ page, line: index + 1, target: definition[1] as string });
    });
  return links;
}

/** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces as hyphens. */
export function slug(heading: string): string {
  return heading
    .replace(/`/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every anchor of a page's headings; a repeated heading gets `-1`, `-2`… as on GitHub. */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of headingLines(text)) {
    const base = slug(line);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** The text of each ATX heading (`## Title`) outside code blocks. */
function headingLines(text: string): string[] {
  return outsideFences(text).flatMap((line) => {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    return heading ? [heading[1] as string] : [];
  });
}

const EXTERNAL = /^[a-z][a-z0-9+.-]*:/i;

/** Why `link` does not resolve under `root` (a missing file or heading, a path out of the repository), or undefined when it does. */
export function brokenReason(root: string, link: Link): string | undefined {
  if (EXTERNAL.test(link.target) || link.target.startsWith('//')) return undefined;
  const [rawPath = '', rawFragment] = link.target.split('#', 2);
  const path = decodeURIComponent(rawPath);
  const file = path === '' ? join(root, link.page) : join(root, dirname(link.page), path);
  if (relative(root, file).startsWith('..')) return `${path} leaves the repository`;
  if (!existsSync(file)) return `${relative(root, file)} does not exist`;
  if (rawFragment === undefined || !file.endsWith('.md') || statSync(file).isDirectory())
    return undefined;
  const fragment = decodeURIComponent(rawFragment).toLowerCase();
  if (anchorsOf(readFileSync(file, 'utf8')).has(fragment)) return undefined;
  return `${relative(root, file)} has no heading #${fragment}`;
}
