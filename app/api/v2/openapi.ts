// What the v2 document describes: the users resource in the v2 wire shape, and a user's
// recommendations (its router and schemas are in recommendations.ts).
import { z } from 'zod';
import type { VersionDocumentBuilder } from '../openapi/version-document.ts';
import { userId } from '../params.ts';
import { defineUsersOperations } from '../users-operations.ts';
import { recommendationsQueryV2, recommendationsV2 } from './recommendations-schema.ts';
import { usersWireV2 } from './schemas.ts';

export function defineV2Operations(doc: VersionDocumentBuilder): void {
  defineUsersOperations(doc, usersWireV2);
  doc.operation({
    method: 'get',
    path: `${doc.prefix}/users/{id}/recommendations`,
    operationId: 'getUserRecommendations',
    tags: ['recommendations'],
    summary: "A user's product recommendations",
    description:
      'Which algorithm serves a user is decided by the `new_recommendation_algo` flag; if the new one fails, classic answers with `fallback: true`. Never cached (`Cache-Control: no-store`).',
    request: { params: z.object({ id: userId }), query: recommendationsQueryV2 },
    responses: {
      200: {
        description: 'The recommendations.',
        content: { 'application/json': { schema: recommendationsV2 } },
      },
    },
    errors: [400, 404],
  });
}
