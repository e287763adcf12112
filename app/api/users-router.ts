// The users resource, once for every version: list with cursor pages, create, read, update,
// delete. A version differs only in its wire (users-wire.ts): the shapes it validates and
// answers and how they map to the domain. Errors are the same problems in every version.
import { Hono } from 'hono';
import type { z } from 'zod';
import { readJson } from '../http/json-body.ts';
import { appendResponseHeader } from '../http/response-headers.ts';
import { validationProblem } from '../http/validation.ts';
import type { UsersService } from '../users/service.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { VERSION_PARAMETER } from './negotiation.ts';
import { listQuery, userId } from './params.ts';
import type { UsersWire } from './users-wire.ts';

function parseId(raw: string): number {
  const result = userId.safeParse(raw);
  if (!result.success) throw validationProblem(result.error, 'parameter', 'id');
  return result.data;
}

export function usersRouter<
  Create extends z.ZodType,
  Update extends z.ZodType,
  Wire extends z.ZodType,
>(users: UsersService, wire: UsersWire<Create, Update, Wire>): Hono {
  const router = new Hono();

  router.get('/', async (c) => {
    // `version` chose the version before routing (negotiation.ts); it is not the list's to read.
    const { [VERSION_PARAMETER]: version, ...parameters } = c.req.query();
    const query = listQuery.safeParse(parameters);
    if (!query.success) throw validationProblem(query.error, 'parameter');
    const afterId = query.data.cursor === undefined ? 0 : decodeCursor(query.data.cursor);
    const page = await users.list(afterId, query.data.limit);
    const nextCursor = page.nextAfterId === undefined ? null : encodeCursor(page.nextAfterId);
    if (nextCursor) {
      const next = new URL(c.req.url);
      next.search = new URLSearchParams({
        ...(version === undefined ? {} : { [VERSION_PARAMETER]: version }),
        limit: String(query.data.limit),
        cursor: nextCursor,
      }).toString();
      appendResponseHeader(c, 'Link', `<${next.pathname}${next.search}>; rel="next"`);
    }
    return c.json({ data: page.items.map(wire.toWire), nextCursor });
  });

  router.post('/', async (c) => {
    const input = await readJson(c, wire.create);
    const user = await users.create(wire.fromCreate(input));
    return c.json(wire.toWire(user), 201, {
      Location: `${c.req.path.replace(/\/$/, '')}/${user.id}`,
    });
  });

  router.get('/:id', async (c) => c.json(wire.toWire(await users.get(parseId(c.req.param('id'))))));

  router.patch('/:id', async (c) => {
    const id = parseId(c.req.param('id'));
    const changes = await readJson(c, wire.update);
    return c.json(wire.toWire(await users.update(id, wire.fromUpdate(changes))));
  });

  router.delete('/:id', async (c) => {
    await users.remove(parseId(c.req.param('id')));
    return c.body(null, 204);
  });

  return router;
}
