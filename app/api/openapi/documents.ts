// Every version's documents, built from the registry: a version without a definition here does
// not compile, so a new version cannot ship undocumented.
import { defineV1Operations } from '../v1/openapi.ts';
import { defineV2Operations } from '../v2/openapi.ts';
import { type ApiVersionId, apiVersions } from '../versions.ts';
import {
  buildVersionDocuments,
  type VersionDocumentBuilder,
  type VersionDocuments,
} from './version-document.ts';

const definitions: Record<ApiVersionId, (doc: VersionDocumentBuilder) => void> = {
  v1: defineV1Operations,
  v2: defineV2Operations,
};

export function buildApiDocuments(): Record<ApiVersionId, VersionDocuments> {
  return Object.fromEntries(
    apiVersions.map((version) => [
      version.id,
      buildVersionDocuments(version, definitions[version.id]),
    ]),
  ) as Record<ApiVersionId, VersionDocuments>;
}
