// The Redis the container's rate limiter shares its counts in.
import { z } from 'zod';
import { integer, variables } from './variable.ts';

export const redis = variables({
  REDIS_URL: {
    schema: z
      .string()
      .trim()
      .regex(/^rediss?:\/\/\S+$/, 'expected a redis:// or rediss:// URL')
      .optional(),
    default: undefined,
    doc: 'Redis for rate-limit counts shared by every replica. Unset: counted in each process.',
    secret: true,
  },
  REDIS_TIMEOUT_MS: {
    schema: integer(10, 10_000),
    default: '200',
    doc: 'A Redis command slower than this is abandoned and the request is let through (fail open).',
  },
});
