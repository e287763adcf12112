// The version registry: the one place that says which API versions exist, their status and
// dates. Routing, negotiation, the Deprecation/Sunset/Link headers, the OpenAPI documents and
// the version-usage metric all read it.
export type ApiVersionId = 'v1' | 'v2';

export interface ApiVersion {
  id: ApiVersionId;
  /** From this instant the version is deprecated (RFC 9745). Undefined: not deprecated. */
  deprecatedAt?: Date;
  /** From this instant the version answers 410 (RFC 8594). Never before `deprecatedAt`. */
  sunsetAt?: Date;
  /** The version clients should move to. */
  successor?: ApiVersionId;
  /** Human documentation of the version (and of its deprecation, when it has one). */
  docs: string;
  /** When the version was published: the date of its entry in docs/api/CHANGELOG.md. */
  releasedAt: Date;
  /** How to move to the successor, served under the version's docs (docs/api/). */
  migrationGuide?: { path: string; file: string };
}

export type ApiVersionStatus = 'current' | 'deprecated' | 'sunset';

export const apiVersions: readonly ApiVersion[] = [
  {
    id: 'v1',
    deprecatedAt: new Date('2026-11-01T00:00:00Z'),
    sunsetAt: new Date('2027-06-01T00:00:00Z'),
    successor: 'v2',
    docs: '/api/v1/docs',
    releasedAt: new Date('2026-05-01T00:00:00Z'),
    migrationGuide: {
      path: '/api/v1/docs/migrating-v1-to-v2',
      file: 'docs/api/migrating-v1-to-v2.md',
    },
  },
  { id: 'v2', docs: '/api/v2/docs', releasedAt: new Date('2026-11-01T00:00:00Z') },
];

export const versionIds: readonly ApiVersionId[] = apiVersions.map((version) => version.id);

export function findVersion(id: string): ApiVersion | undefined {
  return apiVersions.find((version) => version.id === id);
}

/** `2` for v2: how the version is written in a media type's `version` parameter. */
export function versionNumber(id: ApiVersionId): string {
  return id.slice(1);
}

// Every spelling a client may send, lower-cased: `v2` and the bare number `2`. Not `2.0`:
// versions are whole numbers, and a decimal would promise minor versions that do not exist.
const spellings = new Map<string, ApiVersionId>(
  versionIds.flatMap((id) => [
    [id, id],
    [versionNumber(id), id],
  ]),
);

/** The registry's id for what a client sent (`v2`, `V2`, ` 2 `), undefined for anything else. */
export function resolveVersion(sent: string): ApiVersionId | undefined {
  return spellings.get(sent.trim().toLowerCase());
}

export function statusAt(version: ApiVersion, now: Date): ApiVersionStatus {
  if (version.sunsetAt && now >= version.sunsetAt) return 'sunset';
  if (version.deprecatedAt && now >= version.deprecatedAt) return 'deprecated';
  return 'current';
}
