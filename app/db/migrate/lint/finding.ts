// What a check says about a statement, and what it knows about the file so far.
import type { MigrationHeader } from '../header.ts';
import type { RuleId } from './rules.ts';

export interface Finding {
  rule: RuleId;
  message: string;
  /** The phase allows it: no problem, but the concern is settled for this statement. */
  permitted?: boolean;
}

/** What the statements before this one in the same file did. */
export interface FileContext {
  header: MigrationHeader;
  /** Tables created earlier in this file: nothing uses them yet, so anything goes on them. */
  createdTables: Set<string>;
  /** Constraints added NOT VALID earlier in this file. */
  notValidConstraints: Set<string>;
}
