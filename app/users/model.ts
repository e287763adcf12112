// The users domain model. It knows nothing of HTTP or API versions: each version's router
// translates between its wire shape and these types.
export interface User {
  id: number;
  name: string;
  email: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewUser {
  name: string;
  email: string;
}

export type UserChanges = Partial<NewUser>;

export interface Page<T> {
  items: T[];
  /** The id to continue after, or undefined on the last page. */
  nextAfterId: number | undefined;
}
