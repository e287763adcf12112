// The v1 wire shapes: `{id, name, email}`, as the service has always answered. Since the
// domain keeps first and last names, `name` is derived on the way out and split on the way in
// (users/name.ts: first word, then the rest).
import { z } from 'zod';
import type { NewUser, User, UserChanges } from '../../users/model.ts';
import { fullName, splitFullName } from '../../users/name.ts';
import { emailAddress as email, MAX_FULL_NAME_LENGTH, trimmedText } from '../fields.ts';
import type { UsersWire } from '../users-wire.ts';

const name = trimmedText(MAX_FULL_NAME_LENGTH).min(1, 'must not be empty').meta({
  description:
    'The full name. Stored as a first name (the first word) and a last name (the rest); whitespace is collapsed.',
  example: 'Ada Lovelace',
});

const createUserV1 = z.strictObject({ name, email });

const updateUserV1 = z
  .strictObject({ name: name.optional(), email: email.optional() })
  .refine((changes) => changes.name !== undefined || changes.email !== undefined, {
    message: 'must change at least one of: name, email',
  });

const userV1 = z
  .object({
    id: z.number().int().min(1),
    name: z.string().meta({ description: 'First and last name joined by one space.' }),
    email: z.string().meta({ format: 'email' }),
  })
  .meta({ id: 'UserV1' });

type UserV1 = z.infer<typeof userV1>;

function toUserV1(user: User): UserV1 {
  return { id: user.id, name: fullName(user), email: user.email };
}

function fromCreateUserV1(input: z.output<typeof createUserV1>): NewUser {
  return { ...splitFullName(input.name), email: input.email };
}

function fromUpdateUserV1(input: z.output<typeof updateUserV1>): UserChanges {
  return {
    ...(input.name === undefined ? {} : splitFullName(input.name)),
    ...(input.email === undefined ? {} : { email: input.email }),
  };
}

export const usersWireV1: UsersWire<typeof createUserV1, typeof updateUserV1, typeof userV1> = {
  create: createUserV1,
  update: updateUserV1,
  user: userV1,
  toWire: toUserV1,
  fromCreate: fromCreateUserV1,
  fromUpdate: fromUpdateUserV1,
};
