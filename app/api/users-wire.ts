// What a version says about users on the wire: the zod schemas that validate its requests and
// describe its responses, and the translations to and from the domain model. The shared router
// (users-router.ts) and the OpenAPI operations (users-operations.ts) both read it, so what a
// version validates and what its document says come from the same schemas.
import type { z } from 'zod';
import type { NewUser, User, UserChanges } from '../users/model.ts';

export interface UsersWire<
  Create extends z.ZodType = z.ZodType,
  Update extends z.ZodType = z.ZodType,
  Wire extends z.ZodType = z.ZodType,
> {
  /** Body of POST …/users. */
  create: Create;
  /** Body of PATCH …/users/{id}: any subset of the fields, at least one. */
  update: Update;
  /** A user as this version answers it. */
  user: Wire;
  toWire(user: User): z.input<Wire>;
  fromCreate(input: z.output<Create>): NewUser;
  fromUpdate(input: z.output<Update>): UserChanges;
}
