// What createApp reads wherever it runs (the container or the edge): request limits and the
// API versions' defaults and usage metric.
import { z } from 'zod';
import { type ConfigOf, integer, variables } from './variable.ts';

export const api = variables({
  REQUEST_TIMEOUT_MS: {
    schema: integer(1, 600_000),
    default: '10000',
    doc: 'A request still running after this gets 504, and its database work is cancelled.',
  },
  BODY_LIMIT_BYTES: {
    schema: integer(1, 100 * 1024 * 1024),
    default: String(64 * 1024),
    doc: 'Largest request body accepted; larger ones get 413.',
  },
  API_DEFAULT_VERSION: {
    schema: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^v\d+$/, 'expected an API version id such as v2'),
    default: 'v2',
    doc: 'Version served on unversioned paths (`/api/users`) when the request names none (no `API-Version` header, `version` query parameter or version in `Accept`).',
  },
  API_CLIENT_NAMES: {
    // A metric label's values: a short fixed list keeps the series bounded.
    schema: z
      .string()
      .trim()
      .toLowerCase()
      .regex(
        /^(?:[a-z0-9][a-z0-9._-]{0,39}(?:\s*,\s*[a-z0-9][a-z0-9._-]{0,39}){0,49})?$/,
        'expected up to 50 client names such as web,ios-app,acme-sync',
      )
      .transform((value) =>
        value
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean),
      )
      .refine((names) => !names.includes('other'), '`other` names every unlisted client'),
    default: '',
    doc: 'Client names the API version usage metric tells apart (up to 50), matched against `X-Client-Name`, then the product of `User-Agent` (`acme-sync/2.1` is `acme-sync`); every other client counts as `other`.',
  },
});

export type ApiConfig = ConfigOf<typeof api>;
