// Which database a process opens, and how: PostgreSQL, or the embedded PGlite.
import { z } from 'zod';
import { type ConfigOf, integer, variables } from './variable.ts';

const postgresUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      return ['postgres:', 'postgresql:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, 'expected a postgres:// or postgresql:// URL');

export const database = variables({
  DATABASE_URL: {
    schema: postgresUrl.optional(),
    default: undefined,
    doc: 'PostgreSQL connection URL. Unset: an embedded PGlite database under `DATA_DIR`.',
    secret: true,
  },
  DATA_DIR: {
    schema: z.string().trim().min(1, 'expected a directory path'),
    default: './.data',
    doc: 'Folder of the embedded database (used only without `DATABASE_URL`).',
  },
  DB_POOL_MAX: {
    schema: integer(1, 1_000),
    default: '10',
    doc: 'Most PostgreSQL connections one process opens.',
  },
  DB_CONNECT_TIMEOUT_MS: {
    schema: integer(100, 60_000),
    default: '5000',
    doc: 'How long opening a PostgreSQL connection may take before the request fails with 503.',
  },
});

export type DatabaseConfig = ConfigOf<typeof database>;
