// The recommendations use case: pick the algorithm by the flag `new_recommendation_algo`
// (sticky by user id), and never let the new algorithm fail a request: if it throws, the
// classic one serves, and the fallback is reported (counted and logged by the caller's hook).
import type { FlagContext, Flags } from '../flags/flags.ts';
import type { User } from '../users/model.ts';
import { freshAndDiverse } from './fresh-and-diverse.ts';
import type { Algorithm, Recommendations } from './model.ts';
import type { ProductsRepository } from './repository.ts';

/** How many candidates the new algorithm considers: enough for variety, cheap to rank. */
const CANDIDATE_POOL = 200;

export interface RecommendationsService {
  /** Throws the users domain's UserNotFoundError for an unknown user. */
  recommend(userId: number, context: FlagContext, limit: number): Promise<Recommendations>;
}

export interface RecommendationsDeps {
  products: ProductsRepository;
  /** The user, or the users domain's not-found error. */
  findUser(id: number): Promise<User>;
  flags: Pick<Flags, 'isEnabled'>;
  onFallback(failed: Algorithm, error: unknown): void;
}

export function createRecommendationsService(deps: RecommendationsDeps): RecommendationsService {
  return {
    async recommend(userId, context, limit) {
      const user = await deps.findUser(userId);
      const useNew = deps.flags.isEnabled('new_recommendation_algo', {
        ...context,
        userId: String(userId),
      });
      if (useNew) {
        try {
          const candidates = await deps.products.candidates(CANDIDATE_POOL);
          return {
            algorithm: 'new',
            fallback: false,
            products: freshAndDiverse(candidates, user, limit),
          };
        } catch (error) {
          deps.onFallback('new', error);
        }
      }
      return {
        algorithm: 'classic',
        fallback: useNew,
        products: await deps.products.bestsellers(limit),
      };
    },
  };
}
