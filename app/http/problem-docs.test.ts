import { describe, expect, it } from 'vitest';
import { type ProblemType, problemTypes } from './problem.ts';
import { problemDocs } from './problem-docs.ts';

describe('/problems/{type}', () => {
  it('documents each problem type at its type URI', async () => {
    const docs = problemDocs();
    for (const slug of Object.keys(problemTypes) as ProblemType[]) {
      const response = await docs.request(`/problems/${slug}`);
      expect(response.status, slug).toBe(200);
      expect(await response.json()).toEqual({ type: `/problems/${slug}`, ...problemTypes[slug] });
    }
  });

  it.each(['no-such-problem', 'constructor', 'toString', '__proto__'])(
    'answers %s with a not-found problem, not an inherited property',
    async (slug) => {
      const response = await problemDocs().request(`/problems/${slug}`);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    },
  );
});
