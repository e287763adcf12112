// /api/v2/users: the shared users router (../users-router.ts) speaking the v2 wire shape.
import type { Hono } from 'hono';
import type { UsersService } from '../../users/service.ts';
import { usersRouter } from '../users-router.ts';
import { usersWireV2 } from './schemas.ts';

export function usersV2(users: UsersService): Hono {
  return usersRouter(users, usersWireV2);
}
