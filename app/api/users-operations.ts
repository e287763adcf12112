// The users resource in a version's OpenAPI document: the same five operations users-router.ts
// serves, described with the version's wire schemas (users-wire.ts) and the shared parameters.
import { z } from 'zod';
import type { VersionDocumentBuilder } from './openapi/version-document.ts';
import { listQuery, userId } from './params.ts';
import type { UsersWire } from './users-wire.ts';

const JSON_TYPE = 'application/json';

export function defineUsersOperations(doc: VersionDocumentBuilder, wire: UsersWire): void {
  const collection = `${doc.prefix}/users`;
  const item = `${collection}/{id}`;
  const byId = { params: z.object({ id: userId }) };
  const user = { content: { [JSON_TYPE]: { schema: wire.user } } };
  const body = (schema: z.ZodType, description: string) => ({
    required: true,
    description,
    content: { [JSON_TYPE]: { schema } },
  });
  const page = z.object({
    data: z.array(wire.user),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
  });

  doc.operation({
    method: 'get',
    path: collection,
    operationId: 'listUsers',
    tags: ['users'],
    summary: 'List users',
    description:
      'Users in id order, a page at a time. Follow `nextCursor` (or the `Link: rel="next"` header) until it is null.',
    request: { query: listQuery },
    responses: {
      200: {
        description: 'A page of users.',
        content: { [JSON_TYPE]: { schema: page } },
        extraHeaders: ['Link'],
      },
    },
    errors: [400],
  });

  doc.operation({
    method: 'post',
    path: collection,
    operationId: 'createUser',
    tags: ['users'],
    summary: 'Create a user',
    request: { body: body(wire.create, 'The new user. Unknown fields are rejected.') },
    responses: { 201: { description: 'Created.', ...user, extraHeaders: ['Location'] } },
    errors: [400, 409, 413, 415],
  });

  doc.operation({
    method: 'get',
    path: item,
    operationId: 'getUser',
    tags: ['users'],
    summary: 'Read a user',
    request: byId,
    responses: { 200: { description: 'The user.', ...user } },
    errors: [400, 404],
  });

  doc.operation({
    method: 'patch',
    path: item,
    operationId: 'updateUser',
    tags: ['users'],
    summary: 'Change a user',
    description: 'Send only the fields to change (at least one); the others keep their values.',
    request: { ...byId, body: body(wire.update, 'The fields to change.') },
    responses: { 200: { description: 'The user after the change.', ...user } },
    errors: [400, 404, 409, 413, 415],
  });

  doc.operation({
    method: 'delete',
    path: item,
    operationId: 'deleteUser',
    tags: ['users'],
    summary: 'Delete a user',
    request: byId,
    responses: { 204: { description: 'Deleted.' } },
    errors: [400, 404],
  });
}
