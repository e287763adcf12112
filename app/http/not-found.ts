import type { NotFoundHandler } from 'hono';
import { problemResponse } from './problem.ts';

export const notFound: NotFoundHandler = (c) =>
  problemResponse(c, 'not-found', { detail: `Nothing is served at ${c.req.path}.` });
