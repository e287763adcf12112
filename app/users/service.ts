// The users use cases: what the API versions call. Rules live here, storage in the repository.
import { UserNotFoundError } from './errors.ts';
import type { NewUser, Page, User, UserChanges } from './model.ts';
import type { UsersRepository } from './repository.ts';

export interface UsersService {
  list(afterId: number, limit: number): Promise<Page<User>>;
  get(id: number): Promise<User>;
  create(user: NewUser): Promise<User>;
  update(id: number, changes: UserChanges): Promise<User>;
  remove(id: number): Promise<void>;
}

export function createUsersService(repository: UsersRepository, clock: () => Date): UsersService {
  return {
    async list(afterId, limit) {
      const rows = await repository.listAfter(afterId, limit + 1);
      const items = rows.slice(0, limit);
      return { items, nextAfterId: rows.length > limit ? items.at(-1)?.id : undefined };
    },
    async get(id) {
      const user = await repository.find(id);
      if (!user) throw new UserNotFoundError(id);
      return user;
    },
    create: (user) => repository.insert(user),
    async update(id, changes) {
      const user = await repository.update(id, changes, clock());
      if (!user) throw new UserNotFoundError(id);
      return user;
    },
    async remove(id) {
      if (!(await repository.delete(id))) throw new UserNotFoundError(id);
    },
  };
}
