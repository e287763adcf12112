// The v2 wire shape of a user's recommendations, as zod schemas: the router validates with
// them, and the OpenAPI v2 document can be generated from them when the router moves there.
import { z } from 'zod';
import type { Recommendations } from '../../recommendations/model.ts';
import { wholeNumberText } from '../params.ts';

const MAX_LIMIT = 20;
const DEFAULT_LIMIT = 5;

export const recommendationsQueryV2 = z.strictObject({
  // The same parsing as the users' `limit`, but the published v2 document types this one as the
  // text it arrives as: an integer there would break clients generated from v2, which
  // `npm run generate` refuses. A new version can type it as users' `limit` is.
  limit: wholeNumberText(MAX_LIMIT, DEFAULT_LIMIT),
});

const recommendationV2 = z.object({
  id: z.number().int(),
  sku: z.string(),
  name: z.string(),
  category: z.string(),
  priceCents: z.number().int(),
});

export const recommendationsV2 = z.object({
  userId: z.number().int(),
  /** Which algorithm served the answer: `new` only for users the flag rolls it out to. */
  algorithm: z.enum(['classic', 'new']),
  /** True when the new algorithm failed for this request and classic served instead. */
  fallback: z.boolean(),
  items: z.array(recommendationV2),
});

export type RecommendationsV2 = z.infer<typeof recommendationsV2>;

export function toRecommendationsV2(userId: number, result: Recommendations): RecommendationsV2 {
  return {
    userId,
    algorithm: result.algorithm,
    fallback: result.fallback,
    items: result.products.map(({ id, sku, name, category, priceCents }) => ({
      id,
      sku,
      name,
      category,
      priceCents,
    })),
  };
}
