// RFC 9457 problem details: every error the API returns has this shape and media type.
// The catalog is the one list of problem types; `/problems/{slug}` documents each of them.
import type { Context } from 'hono';
import { requestedPath } from './path.ts';

export const problemTypes = {
  'validation-error': {
    status: 400,
    title: 'The request is not valid',
    description:
      'One or more fields, parameters or headers failed validation; `errors` lists each with a JSON pointer.',
  },
  'malformed-json': {
    status: 400,
    title: 'The request body is not valid JSON',
    description: 'The body could not be parsed as JSON.',
  },
  'not-found': {
    status: 404,
    title: 'Not found',
    description: 'Nothing exists at this address, or the resource was deleted.',
  },
  'method-not-allowed': {
    status: 405,
    title: 'Method not allowed',
    description:
      'The resource exists but does not support this method; the `Allow` header lists those it does.',
  },
  'email-taken': {
    status: 409,
    title: 'Email already in use',
    description: 'Another user has this email address (compared without regard to case).',
  },
  conflict: {
    status: 409,
    title: 'Conflicts with existing data',
    description:
      'The write would break a rule the stored data keeps (a unique or reference constraint).',
  },
  'payload-too-large': {
    status: 413,
    title: 'Request body too large',
    description: 'The body exceeds the configured limit (`BODY_LIMIT_BYTES`).',
  },
  'unsupported-version': {
    status: 400,
    title: 'Unsupported API version',
    description:
      'The version in the URL, the `API-Version` header or the `version` query parameter does not exist; `supportedVersions` lists those that do.',
  },
  'conflicting-versions': {
    status: 400,
    title: 'Conflicting API versions',
    description:
      'The request names two different versions (`API-Version` header, `version` query parameter, a `version` in `Accept`); `conflictingVersions` says which said what. Name one, or the same in each.',
  },
  'not-acceptable': {
    status: 406,
    title: 'Not acceptable',
    description:
      'No API version can answer in a media type the `Accept` header takes: every version speaks `application/json`, `application/vnd.myapp+json` and `application/vnd.api+json`, with or without a `version` parameter; `supportedVersions` lists the versions.',
  },
  'version-sunset': {
    status: 410,
    title: 'API version retired',
    description:
      'This API version has passed its sunset date; `successor` and the `Link` header say where to go.',
  },
  'rate-limited': {
    status: 429,
    title: 'Too many requests',
    description:
      'The client sent more requests than its limit for this API version allows; retry after `Retry-After` seconds.',
  },
  'unsupported-media-type': {
    status: 415,
    title: 'Unsupported media type',
    description: 'Send the body as `application/json`.',
  },
  'internal-error': {
    status: 500,
    title: 'Internal server error',
    description: 'An unexpected error; the request id identifies it in the logs.',
  },
  'service-unavailable': {
    status: 503,
    title: 'Service unavailable',
    description:
      'A dependency (usually the database) is not answering; retry after the `Retry-After` delay.',
  },
  'request-body-timeout': {
    status: 408,
    title: 'The request body arrived too slowly',
    description:
      'The client had not finished sending the body within `REQUEST_TIMEOUT_MS`; send it again, faster.',
  },
  'request-timeout': {
    status: 504,
    title: 'The request took too long',
    description: 'The request did not finish within `REQUEST_TIMEOUT_MS`; its work was cancelled.',
  },
} as const;

export type ProblemType = keyof typeof problemTypes;

/** One bad input: a body member by JSON pointer (RFC 6901), or a query/path parameter by name. */
export type FieldError =
  | { pointer: string; detail: string }
  | { parameter: string; detail: string };

export interface ProblemOptions {
  detail?: string;
  errors?: readonly FieldError[];
  headers?: Record<string, string>;
  extensions?: Record<string, unknown>;
}

/** Thrown anywhere below the router; the error handler turns it into a response. */
export class HttpProblem extends Error {
  readonly type: ProblemType;
  readonly options: ProblemOptions;
  constructor(type: ProblemType, options: ProblemOptions = {}) {
    super(options.detail ?? problemTypes[type].title);
    this.name = 'HttpProblem';
    this.type = type;
    this.options = options;
  }
}

export function problemTypeUri(type: ProblemType): string {
  return `/problems/${type}`;
}

export function problemResponse(
  c: Context,
  type: ProblemType,
  options: ProblemOptions = {},
): Response {
  const { status, title } = problemTypes[type];
  const body = {
    type: problemTypeUri(type),
    title,
    status,
    ...(options.detail === undefined ? {} : { detail: options.detail }),
    instance: requestedPath(c.req.url),
    requestId: c.get('requestId'),
    ...(options.errors === undefined ? {} : { errors: options.errors }),
    ...options.extensions,
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/problem+json', ...options.headers },
  });
}
