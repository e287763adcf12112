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
}

export type ApiVersionStatus = 'current' | 'deprecated' | 'sunset';

export const apiVersions: readonly ApiVersion[] = [
  {
    id: 'v1',
    deprecatedAt: new Date('2026-11-01T00:00:00Z'),
    sunsetAt: new Date('2027-06-01T00:00:00Z'),
    successor: 'v2',
    docs: '/api/v1/docs',
  },
  { id: 'v2', docs: '/api/v2/docs' },
];

export const versionIds: readonly ApiVersionId[] = apiVersions.map((version) => version.id);

export function findVersion(id: string): ApiVersion | undefined {
  return apiVersions.find((version) => version.id === id);
}

export function statusAt(version: ApiVersion, now: Date): ApiVersionStatus {
  if (version.sunsetAt && now >= version.sunsetAt) return 'sunset';
  if (version.deprecatedAt && now >= version.deprecatedAt) return 'deprecated';
  return 'current';
}
