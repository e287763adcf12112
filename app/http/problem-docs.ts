// Problem `type` URIs are relative (`/problems/{slug}`) and resolve here, so a developer who
// follows one reads what it means.
import { Hono } from 'hono';
import { type ProblemType, problemResponse, problemTypes, problemTypeUri } from './problem.ts';

export function problemDocs(): Hono {
  const router = new Hono();
  router.get('/problems/:type', (c) => {
    const type = c.req.param('type');
    if (!Object.hasOwn(problemTypes, type)) return problemResponse(c, 'not-found');
    const { status, title, description } = problemTypes[type as ProblemType];
    return c.json({ type: problemTypeUri(type as ProblemType), status, title, description });
  });
  return router;
}
