// Media-type versioning: what an `Accept` header (RFC 9110 §12.5.1) takes of the JSON media
// types the API answers, version by version. A media range may name a version with a `version`
// parameter (`application/vnd.api+json; version=2`); one without takes any version.
import { type ApiVersionId, resolveVersion, versionIds } from './versions.ts';

/** The media types every version's JSON is served as; the first is the plain default. */
export const VERSIONED_MEDIA_TYPES = [
  'application/json',
  'application/vnd.myapp+json',
  'application/vnd.api+json',
] as const;

export type VersionedMediaType = (typeof VERSIONED_MEDIA_TYPES)[number];

interface MediaRange {
  /** Index into VERSIONED_MEDIA_TYPES, or -1 for `application/*` and `*\/*`. */
  type: number;
  /** 2 for a full type, 1 for `application/*`, 0 for `*\/*`; plus 1 when it names a version. */
  specificity: number;
  /** undefined: takes any version; null: names a version that does not exist. */
  version: ApiVersionId | null | undefined;
  q: number;
}

/** How the header takes one version: the best of the media types, and whether it asked for it. */
export interface Acceptance {
  version: ApiVersionId;
  q: number;
  mediaType: VersionedMediaType;
  /** The deciding range names this version, or the type is a vendor one: answer with it. */
  explicit: boolean;
  /** The deciding range names this version. */
  namesVersion: boolean;
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"')
    ? value.slice(1, -1)
    : value;
}

function parseRange(text: string): MediaRange | undefined {
  const parts = text.split(';');
  const name = (parts[0] ?? '').trim().toLowerCase();
  let type: number;
  let specificity: number;
  if (name === '*/*') [type, specificity] = [-1, 0];
  else if (name === 'application/*') [type, specificity] = [-1, 1];
  else {
    type = (VERSIONED_MEDIA_TYPES as readonly string[]).indexOf(name);
    if (type === -1) return undefined; // a type no version is served as
    specificity = 2;
  }
  let version: MediaRange['version'];
  let q = 1;
  for (let index = 1; index < parts.length; index++) {
    const part = parts[index] ?? '';
    const equals = part.indexOf('=');
    if (equals === -1) continue;
    const key = part.slice(0, equals).trim().toLowerCase();
    const value = unquote(part.slice(equals + 1).trim());
    if (key === 'q') {
      const parsed = Number(value);
      // An unreadable weight is ignored rather than held against the client.
      if (value !== '' && parsed >= 0 && parsed <= 1) q = parsed;
    } else if (key === 'version') {
      version = resolveVersion(value) ?? null;
      specificity += 1;
    }
  }
  return { type, specificity, version, q };
}

/** The media ranges of an Accept header that a version's JSON can match. */
function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const text of header.split(',')) {
    const range = parseRange(text);
    if (range) ranges.push(range);
  }
  return ranges;
}

/**
 * How the ranges take `version`: for each media type the most specific matching range gives its
 * weight (RFC 9110: `application/json;version=1;q=0, *\/*` refuses v1 as JSON); the best type
 * wins, a named one before a wildcard, plain JSON first on a tie.
 */
function acceptance(ranges: readonly MediaRange[], version: ApiVersionId): Acceptance {
  let best: Acceptance = {
    version,
    q: 0,
    mediaType: VERSIONED_MEDIA_TYPES[0],
    explicit: false,
    namesVersion: false,
  };
  let bestSpecificity = -1;
  for (let type = 0; type < VERSIONED_MEDIA_TYPES.length; type++) {
    let decider: MediaRange | undefined;
    for (const range of ranges) {
      if (range.type !== -1 && range.type !== type) continue;
      if (range.version !== undefined && range.version !== version) continue;
      if (!decider || range.specificity > decider.specificity) decider = range;
    }
    if (!decider || decider.q === 0) continue;
    if (decider.q > best.q || (decider.q === best.q && decider.specificity > bestSpecificity)) {
      const namesVersion = decider.version !== undefined;
      best = {
        version,
        q: decider.q,
        mediaType: VERSIONED_MEDIA_TYPES[type] as VersionedMediaType,
        // A vendor type is said even when a wildcard chose it (plain JSON refused).
        explicit: namesVersion || type > 0,
        namesVersion,
      };
      bestSpecificity = decider.specificity;
    }
  }
  return best;
}

/** Each version as the header takes it, in registry order. */
export function acceptances(header: string): Acceptance[] {
  const ranges = parseAccept(header);
  return versionIds.map((version) => acceptance(ranges, version));
}
