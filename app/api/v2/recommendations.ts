// GET /api/v2/users/{id}/recommendations: translates between the v2 wire shape and the
// recommendations domain. Mounted by app.ts under the users path, so `:id` comes from there.
import { Hono } from 'hono';
import { validationProblem } from '../../http/validation.ts';
import type { RecommendationsService } from '../../recommendations/service.ts';
import { type FlagContextOptions, flagContext } from '../flag-context.ts';
import { withoutVersion } from '../negotiation.ts';
import { userId } from '../params.ts';
import { recommendationsQueryV2, toRecommendationsV2 } from './recommendations-schema.ts';

export function recommendationsV2(
  service: RecommendationsService,
  flagContextOptions: FlagContextOptions,
): Hono {
  const router = new Hono();
  router.get('/', async (c) => {
    const id = userId.safeParse(c.req.param('id'));
    if (!id.success) throw validationProblem(id.error, 'parameter', 'id');
    const query = recommendationsQueryV2.safeParse(withoutVersion(c.req.query()));
    if (!query.success) throw validationProblem(query.error, 'parameter');
    const result = await service.recommend(
      id.data,
      flagContext(c, flagContextOptions),
      query.data.limit,
    );
    // Per user, and the flag may change the answer any second: no cache may keep it.
    return c.json(toRecommendationsV2(id.data, result), 200, { 'Cache-Control': 'no-store' });
  });
  return router;
}
