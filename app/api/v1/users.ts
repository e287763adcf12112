// /api/v1/users: translates between the v1 wire shape and the users domain.
import { Hono } from 'hono';
import type { AppEnv } from '../../http/env.ts';
import { readJson } from '../../http/json-body.ts';
import { validationProblem } from '../../http/validation.ts';
import type { UsersService } from '../../users/service.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { listQuery, userId } from '../params.ts';
import { createUserV1, toUserV1, updateUserV1 } from './schemas.ts';

function parseId(raw: string): number {
  const result = userId.safeParse(raw);
  if (!result.success) throw validationProblem(result.error, 'parameter', 'id');
  return result.data;
}

export function usersV1(users: UsersService): Hono<AppEnv> {
  const router = new Hono<AppEnv>();

  router.get('/', async (c) => {
    const query = listQuery.safeParse(c.req.query());
    if (!query.success) throw validationProblem(query.error, 'parameter');
    const afterId = query.data.cursor === undefined ? 0 : decodeCursor(query.data.cursor);
    const page = await users.list(afterId, query.data.limit);
    const nextCursor = page.nextAfterId === undefined ? null : encodeCursor(page.nextAfterId);
    if (nextCursor) {
      const next = new URL(c.req.url);
      next.search = new URLSearchParams({
        limit: String(query.data.limit),
        cursor: nextCursor,
      }).toString();
      c.header('Link', `<${next.pathname}${next.search}>; rel="next"`);
    }
    return c.json({ data: page.items.map(toUserV1), nextCursor });
  });

  router.post('/', async (c) => {
    const input = await readJson(c, createUserV1);
    const user = await users.create(input);
    return c.json(toUserV1(user), 201, { Location: `${c.req.path.replace(/\/$/, '')}/${user.id}` });
  });

  router.get('/:id', async (c) => c.json(toUserV1(await users.get(parseId(c.req.param('id'))))));

  router.patch('/:id', async (c) => {
    const id = parseId(c.req.param('id'));
    const changes = await readJson(c, updateUserV1);
    return c.json(toUserV1(await users.update(id, changes)));
  });

  router.delete('/:id', async (c) => {
    await users.remove(parseId(c.req.param('id')));
    return c.body(null, 204);
  });

  return router;
}
