export class UserNotFoundError extends Error {
  constructor(id: number) {
    super(`No user has id ${id}.`);
    this.name = 'UserNotFoundError';
  }
}

export class EmailTakenError extends Error {
  constructor(email: string) {
    super(`The email address ${email} is already used by another user.`);
    this.name = 'EmailTakenError';
  }
}
