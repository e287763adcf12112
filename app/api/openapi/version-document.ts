// One API version's OpenAPI document, from the zod schemas its routes validate with, in two
// renditions from the same definitions: 3.1 (served, and what clients read) and 3.0 (what the
// breaking-change guard feeds openapi-diff, which reads 3.0 only). What every operation of a
// version shares — its lifecycle from the registry, the headers the middleware adds, the errors
// any request can meet — is added here, so the per-version files list only what is theirs.
import {
  OpenAPIRegistry,
  OpenApiGeneratorV3,
  OpenApiGeneratorV31,
  type ResponseConfig,
  type RouteConfig,
} from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { VERSIONED_MEDIA_TYPES } from '../media-type.ts';
import { VERSION_HEADER, VERSION_PARAMETER } from '../negotiation.ts';
import { type ApiVersion, versionNumber } from '../versions.ts';
import { type ResponseHeaderName, responseHeaders } from './headers.ts';
import { type ErrorStatus, problemResponse } from './problem.ts';

type OpenApiDocument31 = ReturnType<OpenApiGeneratorV31['generateDocument']>;
type OpenApiDocument30 = ReturnType<OpenApiGeneratorV3['generateDocument']>;

export interface VersionDocuments {
  openapi31: OpenApiDocument31;
  openapi30: OpenApiDocument30;
}

interface Operation extends Omit<RouteConfig, 'responses' | 'deprecated'> {
  /** The success responses, with the headers they add beyond the common ones. */
  responses: Record<number, ResponseConfig & { extraHeaders?: ResponseHeaderName[] }>;
  /** Errors this operation can answer beyond those every operation can (429, 500, 503, 504…). */
  errors: ErrorStatus[];
}

export interface VersionDocumentBuilder {
  readonly version: ApiVersion;
  /** Where the version's paths start: `/api/v1`. */
  readonly prefix: string;
  operation(operation: Operation): void;
}

/** Errors any API request can meet, whatever the operation. */
const COMMON_ERRORS: readonly ErrorStatus[] = [429, 500, 503, 504];

const ERROR_HEADERS: Partial<Record<ErrorStatus, ResponseHeaderName[]>> = {
  429: ['Retry-After'],
  503: ['Retry-After'],
  410: ['Link'],
};

const TAGS: Record<string, string> = {
  users: 'Users: list, create, read, update, delete.',
  recommendations: 'Product recommendations for a user.',
  negotiated:
    'The same operations on unversioned paths (`/api/users…`), served by the version the request names.',
};

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The lifecycle as the registry says it; never the clock, so the document is reproducible. */
function lifecycle(version: ApiVersion): string {
  if (!version.deprecatedAt) return 'The current version.';
  const successor = version.successor
    ? ` Move to [${version.successor}](/api/${version.successor}/docs)${version.migrationGuide ? ` with [the migration guide](${version.migrationGuide.path})` : ''}.`
    : '';
  const sunset = version.sunsetAt
    ? ` From ${day(version.sunsetAt)} (its sunset) every request is answered \`410 Gone\`, pointing at the successor.`
    : '';
  return `**Deprecated** since ${day(version.deprecatedAt)}.${sunset}${successor} Every response carries \`Deprecation\`, \`Sunset\` and \`Link\` headers (RFC 9745, RFC 8594).`;
}

function negotiation(version: ApiVersion): string {
  const n = versionNumber(version.id);
  return [
    `**Asking for ${version.id}.** \`/api/${version.id}/…\` is always ${version.id}, whatever else the request says. Each operation also has an unversioned twin (\`/api/users…\`, tagged \`negotiated\`) that serves the version the request names, in this order:`,
    '',
    '| Where | How | Notes |',
    '| --- | --- | --- |',
    `| \`${VERSION_HEADER}\` header | \`${VERSION_HEADER}: ${n}\` (or \`${version.id}\`, any case) | pins the version |`,
    `| \`${VERSION_PARAMETER}\` query parameter | \`?${VERSION_PARAMETER}=${n}\` | pins the version; for clients that cannot set headers |`,
    `| \`Accept\` media type | \`Accept: application/vnd.api+json; version=${n}\` (also \`application/json\`, \`application/vnd.myapp+json\`) | a preference; the response has that \`Content-Type\` with \`version=${n}\` |`,
    '| none of them | the configured default version | |',
    '',
    'Versions are whole numbers: `2.0` is not a version. A header and a query parameter naming different versions, or an `Accept` that takes only another version than the one pinned, are a `400` `conflicting-versions` problem naming both; an `Accept` no version can satisfy is `406`. Unversioned responses carry `Vary: API-Version, Accept` and `Content-Location` (the versioned URL that answered).',
  ].join('\n');
}

function description(version: ApiVersion): string {
  return [
    lifecycle(version),
    'Errors are RFC 9457 problem documents (`application/problem+json`); `GET /problems/{type}` explains each `type`.',
    negotiation(version),
  ].join('\n\n');
}

/** Every spelling of the version, for the negotiated twins' header and query parameter. */
function versionSelector(version: ApiVersion, where: string) {
  const n = versionNumber(version.id);
  return z
    .string()
    .regex(new RegExp(`^[vV]?${n}$`))
    .optional()
    .meta({
      description: `Selects ${version.id} on this unversioned path: \`${n}\` or \`${version.id}\` (any case). ${where}`,
      example: n,
    });
}

/** The same JSON in each media type `Accept` may ask for (answered with `version=<n>`). */
function inEveryMediaType(response: ResponseConfig): ResponseConfig {
  const json = response.content?.['application/json'];
  if (!json) return response;
  return {
    ...response,
    content: Object.fromEntries(VERSIONED_MEDIA_TYPES.map((type) => [type, json])),
  };
}

function lifecycleExtensions(version: ApiVersion): Record<`x-${string}`, string> {
  return {
    ...(version.deprecatedAt ? { 'x-deprecated-at': version.deprecatedAt.toISOString() } : {}),
    ...(version.sunsetAt ? { 'x-sunset': version.sunsetAt.toISOString() } : {}),
    ...(version.successor ? { 'x-successor-version': version.successor } : {}),
  };
}

export function buildVersionDocuments(
  version: ApiVersion,
  define: (builder: VersionDocumentBuilder) => void,
): VersionDocuments {
  const registry = new OpenAPIRegistry();
  const headerRefs = Object.fromEntries(
    Object.entries(responseHeaders).map(([name, header]) => [
      name,
      registry.registerComponent('headers', name, header).ref,
    ]),
  ) as Record<ResponseHeaderName, { $ref: string }>;

  const deprecated = version.deprecatedAt !== undefined;
  const commonHeaders: ResponseHeaderName[] = [
    'X-Request-ID',
    'API-Version',
    'RateLimit-Policy',
    'RateLimit',
    ...(deprecated ? (['Deprecation', 'Sunset', 'Link'] as const) : []),
  ];
  const withHeaders = (response: ResponseConfig, extra: readonly ResponseHeaderName[] = []) => ({
    ...response,
    headers: Object.fromEntries(
      [...new Set([...commonHeaders, ...extra])].map((name) => [name, headerRefs[name]]),
    ),
  });
  const errors = (specific: readonly ErrorStatus[]) => {
    const statuses = new Set([...specific, ...COMMON_ERRORS, ...(version.sunsetAt ? [410] : [])]);
    return Object.fromEntries(
      [...statuses]
        .sort((a, b) => a - b)
        .map((status) => [
          status,
          withHeaders(problemResponse(status as ErrorStatus), ERROR_HEADERS[status as ErrorStatus]),
        ]),
    );
  };

  const prefix = `/api/${version.id}`;
  const headerSelector = versionSelector(
    version,
    `Pins the version: a \`${VERSION_PARAMETER}\` query parameter naming another one is a 400, and \`Accept\` must take this one.`,
  );
  const querySelector = versionSelector(
    version,
    `For clients that cannot set headers; pins the version like the \`${VERSION_HEADER}\` header, which must agree with it.`,
  );
  const tags = new Set<string>();
  define({
    version,
    prefix,
    operation({ responses, errors: specificErrors, ...route }) {
      for (const tag of route.tags ?? []) tags.add(tag);
      const lifecycleFields = {
        ...(deprecated ? { deprecated: true } : {}),
        ...lifecycleExtensions(version),
      };
      const successes = (negotiated: boolean) =>
        Object.fromEntries(
          Object.entries(responses).map(([status, { extraHeaders, ...response }]) => [
            status,
            negotiated
              ? withHeaders(inEveryMediaType(response), [
                  ...(extraHeaders ?? []),
                  'Vary',
                  ...(route.method === 'get' || route.method === 'patch'
                    ? (['Content-Location'] as const)
                    : []),
                ])
              : withHeaders(response, extraHeaders),
          ]),
        );
      registry.registerPath({
        ...route,
        ...lifecycleFields,
        responses: { ...successes(false), ...errors(specificErrors) },
      });
      // The unversioned twin: the same operation, reached through negotiation.
      const query = route.request?.query;
      registry.registerPath({
        ...route,
        ...lifecycleFields,
        path: `/api${route.path.slice(prefix.length)}`,
        operationId: `${route.operationId}Negotiated`,
        tags: [...(route.tags ?? []), 'negotiated'],
        description: `${route.description ? `${route.description}\n\n` : ''}The unversioned path: ${version.id} serves it when the request asks for ${version.id} (see the document's description), or by default when the service is configured so.`,
        request: {
          ...route.request,
          headers: z.object({ [VERSION_HEADER]: headerSelector }),
          query: query
            ? (query as z.ZodObject).extend({ [VERSION_PARAMETER]: querySelector })
            : z.object({ [VERSION_PARAMETER]: querySelector }),
        },
        responses: { ...successes(true), ...errors([...specificErrors, 400, 406]) },
      });
    },
  });
  tags.add('negotiated');

  const config = {
    info: {
      title: `myapp API ${version.id}`,
      version: version.id,
      description: description(version),
      ...lifecycleExtensions(version),
    },
    tags: [...tags].map((name) => ({ name, description: TAGS[name] ?? name })),
  };
  return {
    openapi31: new OpenApiGeneratorV31(registry.definitions).generateDocument({
      openapi: '3.1.1',
      ...config,
    }),
    openapi30: new OpenApiGeneratorV3(registry.definitions).generateDocument({
      openapi: '3.0.3',
      ...config,
    }),
  };
}
