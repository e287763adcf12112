// The problem+json body (RFC 9457) as app/http/problem.ts writes it, for the documents: one
// schema, and one documented response per error status whose text comes from the problem catalog.
import type { ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { type ProblemType, problemTypes, problemTypeUri } from '../../http/problem.ts';

const fieldError = z
  .union([
    z.object({
      pointer: z.string().meta({ description: 'The body member, as a JSON pointer (`#/email`).' }),
      detail: z.string(),
    }),
    z.object({
      parameter: z.string().meta({ description: 'The query or path parameter, by name.' }),
      detail: z.string(),
    }),
  ])
  .meta({ id: 'FieldError', description: 'One bad field or parameter.' });

const problemDetails = z
  .object({
    type: z.string().meta({
      format: 'uri-reference',
      description: 'What kind of problem; GET it for an explanation.',
      example: problemTypeUri('validation-error'),
    }),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    detail: z.string().optional(),
    instance: z.string().meta({ description: 'The path that was requested.' }),
    requestId: z.string().meta({ description: 'Also in `X-Request-ID` and in the logs.' }),
    errors: z.array(fieldError).optional().meta({
      description: 'With `validation-error`: every bad field, not just the first (at most 20).',
    }),
    omittedErrors: z
      .number()
      .int()
      .optional()
      .meta({ description: 'With `validation-error`: how many bad fields `errors` leaves out.' }),
    supportedVersions: z
      .array(z.string())
      .optional()
      .meta({ description: 'With `unsupported-version`: the versions that exist.' }),
    conflictingVersions: z.record(z.string(), z.string()).optional().meta({
      description:
        'With `conflicting-versions`: what each place named (`header`, `query`, `media_type`).',
    }),
    successor: z
      .string()
      .nullable()
      .optional()
      .meta({ description: 'With `version-sunset`: the same path in the successor version.' }),
  })
  .meta({ id: 'Problem', description: 'An RFC 9457 problem document.' });

export type ErrorStatus = 400 | 404 | 406 | 409 | 410 | 413 | 415 | 429 | 500 | 503 | 504;

/** The catalog's problem types answered with `status`, for the response's description. */
function typesWithStatus(status: ErrorStatus): ProblemType[] {
  return (Object.keys(problemTypes) as ProblemType[]).filter(
    (type) => problemTypes[type].status === status,
  );
}

export function problemResponse(status: ErrorStatus): ResponseConfig {
  const types = typesWithStatus(status);
  if (types.length === 0) throw new Error(`no problem type in the catalog answers ${status}`);
  return {
    description: types
      .map((type) => `\`${problemTypeUri(type)}\`: ${problemTypes[type].description}`)
      .join('\n\n'),
    content: { 'application/problem+json': { schema: problemDetails } },
  };
}
