// The v2 wire shapes: a user is `{id, fullName, email, profile: {createdAt, updatedAt}}` and is
// written as `{firstName, lastName, email}`, which is the domain's own shape: the parts are
// stored as sent (trimmed, whitespace collapsed). v1 reads the same user as `name` = fullName.
//
// firstName must not be empty, lastName may be: people with one name exist, and v1 stores a
// one-word name ("Plato") as that first name and an empty last name, which v2 must be able to
// read and write back. The lengths keep every full name within v1's 200 characters.
import { z } from 'zod';
import type { NewUser, User, UserChanges } from '../../users/model.ts';
import { fullName } from '../../users/name.ts';
import {
  emailAddress as email,
  MAX_FIRST_NAME_LENGTH,
  MAX_LAST_NAME_LENGTH,
  trimmedText,
} from '../fields.ts';
import type { UsersWire } from '../users-wire.ts';

/** Runs of whitespace become one space, as v1 does when it splits a name into its parts. */
const collapseWhitespace = (value: unknown) =>
  typeof value === 'string' ? value.replace(/\s+/g, ' ') : value;

const firstName = z
  .preprocess(collapseWhitespace, trimmedText(MAX_FIRST_NAME_LENGTH).min(1, 'must not be empty'))
  .meta({
    description: 'Given name; trimmed, whitespace collapsed to single spaces.',
    example: 'Ada',
  });

const lastName = z.preprocess(collapseWhitespace, trimmedText(MAX_LAST_NAME_LENGTH)).meta({
  description: 'Family name; may be empty for people with one name.',
  example: 'Lovelace',
});

const createUserV2 = z.strictObject({ firstName, lastName, email });

const updateUserV2 = z
  .strictObject({
    firstName: firstName.optional(),
    lastName: lastName.optional(),
    email: email.optional(),
  })
  .refine((changes) => Object.values(changes).some((value) => value !== undefined), {
    message: 'must change at least one of: firstName, lastName, email',
  });

const userV2 = z
  .object({
    id: z.number().int().min(1),
    fullName: z.string().meta({ description: 'firstName and lastName joined by one space.' }),
    email: z.string().meta({ format: 'email' }),
    profile: z.object({
      createdAt: z.iso.datetime().meta({ description: 'When the user was created (UTC).' }),
      updatedAt: z.iso.datetime().meta({ description: 'When the user last changed (UTC).' }),
    }),
  })
  .meta({ id: 'UserV2' });

type UserV2 = z.infer<typeof userV2>;

function toUserV2(user: User): UserV2 {
  return {
    id: user.id,
    fullName: fullName(user),
    email: user.email,
    profile: { createdAt: user.createdAt.toISOString(), updatedAt: user.updatedAt.toISOString() },
  };
}

function fromCreateUserV2(input: z.output<typeof createUserV2>): NewUser {
  return input;
}

/** Only the fields sent: zod leaves absent optional fields out of its output. */
function fromUpdateUserV2(input: z.output<typeof updateUserV2>): UserChanges {
  return input;
}

export const usersWireV2: UsersWire<typeof createUserV2, typeof updateUserV2, typeof userV2> = {
  create: createUserV2,
  update: updateUserV2,
  user: userV2,
  toWire: toUserV2,
  fromCreate: fromCreateUserV2,
  fromUpdate: fromUpdateUserV2,
};
