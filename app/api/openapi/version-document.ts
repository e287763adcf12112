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
import type { ApiVersion } from '../versions.ts';
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
};

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The lifecycle as the registry says it; never the clock, so the document is reproducible. */
function lifecycle(version: ApiVersion): string {
  if (!version.deprecatedAt) return 'The current version.';
  const successor = version.successor
    ? ` Move to [${version.successor}](/api/${version.successor}/docs).`
    : '';
  const sunset = version.sunsetAt
    ? ` From ${day(version.sunsetAt)} (its sunset) every request is answered \`410 Gone\`, pointing at the successor.`
    : '';
  return `**Deprecated** since ${day(version.deprecatedAt)}.${sunset}${successor} Every response carries \`Deprecation\`, \`Sunset\` and \`Link\` headers (RFC 9745, RFC 8594).`;
}

function description(version: ApiVersion): string {
  return [
    lifecycle(version),
    'Errors are RFC 9457 problem documents (`application/problem+json`); `GET /problems/{type}` explains each `type`.',
    `Unversioned paths (\`/api/users…\`) are served by the version named in the \`API-Version\` request header, else by the configured default; \`/api/${version.id}/…\` always by ${version.id}.`,
  ].join('\n\n');
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

  const tags = new Set<string>();
  define({
    version,
    prefix: `/api/${version.id}`,
    operation({ responses, errors: specificErrors, ...route }) {
      for (const tag of route.tags ?? []) tags.add(tag);
      registry.registerPath({
        ...route,
        ...(deprecated ? { deprecated: true } : {}),
        ...lifecycleExtensions(version),
        responses: {
          ...Object.fromEntries(
            Object.entries(responses).map(([status, { extraHeaders, ...response }]) => [
              status,
              withHeaders(response, extraHeaders),
            ]),
          ),
          ...errors(specificErrors),
        },
      });
    },
  });

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
