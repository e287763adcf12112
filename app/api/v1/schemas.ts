// The v1 wire shapes: `{id, name, email}`, as the service has always answered.
import { z } from 'zod';
import type { User } from '../../users/model.ts';

const name = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters');
const email = z
  .string()
  .trim()
  .max(254, 'must be at most 254 characters')
  .pipe(z.email('must be an email address'));

export const createUserV1 = z.strictObject({ name, email });

export const updateUserV1 = z
  .strictObject({ name: name.optional(), email: email.optional() })
  .refine((changes) => changes.name !== undefined || changes.email !== undefined, {
    message: 'must change at least one of: name, email',
  });

export interface UserV1 {
  id: number;
  name: string;
  email: string;
}

export function toUserV1(user: User): UserV1 {
  return { id: user.id, name: user.name, email: user.email };
}
