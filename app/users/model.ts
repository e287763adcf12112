// The users domain model. It knows nothing of HTTP or API versions: each version's router
// translates between its wire shape and these types (v1's `name` is derived: users/name.ts).
export interface User {
  id: number;
  firstName: string;
  lastName: string;
  email: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewUser {
  firstName: string;
  lastName: string;
  email: string;
}

export type UserChanges = Partial<NewUser>;

export interface Page<T> {
  items: T[];
  /** The id to continue after, or undefined on the last page. */
  nextAfterId: number | undefined;
}
