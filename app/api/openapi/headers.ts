// The response headers the documents describe, once each (as components/headers): what the
// middleware in app/http/ puts on API responses, and what a few operations add.

interface HeaderDocument {
  description: string;
  required?: boolean;
  schema: { type: 'string' } | { type: 'integer'; minimum: number };
}

const text = { type: 'string' } as const;

export const responseHeaders = {
  'X-Request-ID': {
    description:
      'The id of this request: yours when you sent a sane `X-Request-ID` (1–128 of `A-Za-z0-9._:-`), otherwise a new UUID. Quote it when reporting a problem.',
    required: true,
    schema: text,
  },
  'API-Version': {
    description: 'The API version that served the request.',
    required: true,
    schema: text,
  },
  'RateLimit-Policy': {
    description:
      'Your quota for this version, `"<version>";q=<requests>;w=<window seconds>` (draft-ietf-httpapi-ratelimit-headers). Absent when the version has no limit.',
    schema: text,
  },
  RateLimit: {
    description:
      'What is left of your quota, `"<version>";r=<remaining>;t=<seconds until reset>`. Absent when the version has no limit.',
    schema: text,
  },
  Deprecation: {
    description:
      'From the deprecation date on: `@<unix seconds>`, when this version was deprecated (RFC 9745).',
    schema: text,
  },
  Sunset: {
    description:
      'From the deprecation date on: the HTTP-date after which this version answers `410 Gone` (RFC 8594).',
    schema: text,
  },
  Link: {
    description:
      'RFC 8288 links: `rel="next"` on a page that has a next one; on a deprecated version also `rel="deprecation"` (its documentation), `rel="successor-version"` (this path in the successor) and `rel="sunset"`.',
    schema: text,
  },
  Vary: {
    description:
      'On unversioned paths: `API-Version, Accept`, the request headers that chose the version (caches key on them).',
    required: true,
    schema: text,
  },
  'Content-Location': {
    description:
      'On unversioned paths: the versioned URL that answered (`/api/v2/users/1`), without the `version` query parameter.',
    required: true,
    schema: text,
  },
  Location: {
    description: 'Where the created resource is.',
    required: true,
    schema: text,
  },
  'Retry-After': {
    description: 'Seconds to wait before retrying.',
    required: true,
    schema: { type: 'integer', minimum: 0 },
  },
} as const satisfies Record<string, HeaderDocument>;

export type ResponseHeaderName = keyof typeof responseHeaders;
