// A user's name as one string and as its parts. The split: trim,
// collapse whitespace, the first word is the first name and the rest the last name (empty for
// a one-word name). Migration 0001 spells the same rule in SQL (users_split_name) for rows
// written by releases that knew only `name`; a test feeds both the same names.

export interface NameParts {
  firstName: string;
  lastName: string;
}

// JavaScript's \s: ASCII whitespace, no-break spaces, the Unicode space separators, line and
// paragraph separators and the BOM — the same set the SQL function lists explicitly.
const WHITESPACE = /\s+/;

export function splitFullName(fullName: string): NameParts {
  const [firstName = '', ...rest] = fullName.trim().split(WHITESPACE);
  return { firstName, lastName: rest.join(' ') };
}

/** The parts joined by one space; no stray space when either is empty. */
export function fullName({ firstName, lastName }: NameParts): string {
  return [firstName, lastName].filter((part) => part !== '').join(' ');
}
