import type { NotFoundHandler } from 'hono';
import type { AppEnv } from './env.ts';
import { problemResponse } from './problem.ts';

export const notFound: NotFoundHandler<AppEnv> = (c) =>
  problemResponse(c, 'not-found', { detail: `Nothing is served at ${c.req.path}.` });
