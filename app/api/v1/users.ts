// /api/v1/users: the shared users router (../users-router.ts) speaking the v1 wire shape.
import type { Hono } from 'hono';
import type { UsersService } from '../../users/service.ts';
import { usersRouter } from '../users-router.ts';
import { usersWireV1 } from './schemas.ts';

export function usersV1(users: UsersService): Hono {
  return usersRouter(users, usersWireV1);
}
