// Which pending file may run now, by order alone. Files run in name order within their phase,
// and a phase waits for the phases that must have run before it:
// - a backfill waits for every earlier expand file (the columns and triggers it relies on);
// - a contract file waits for every earlier non-contract file (what it removes must have been
//   replaced, and backfills complete), and for earlier contract files, which keep their order.
// An expand file waits for nothing: it only adds, so it never depends on a backfill or a
// contract having run. What needs backfilled data (VALIDATE CONSTRAINT, SET NOT NULL) goes into
// the contract file, or into an expand file of a later release — shipped once the backfill's
// marker is set. Run in name order, `all` (the embedded database, tests) keeps every file after
// the ones before it.
import type { MigrationFile } from './files.ts';
import type { Phase } from './header.ts';

export type Command = 'expand' | 'backfill' | 'contract' | 'all';

export const PHASES_OF: Record<Command, readonly Phase[]> = {
  expand: ['expand'],
  backfill: ['backfill'],
  contract: ['contract'],
  all: ['expand', 'backfill', 'contract'],
};

const WAITS_FOR: Record<Phase, readonly Phase[]> = {
  expand: [],
  backfill: ['expand'],
  contract: ['expand', 'backfill', 'contract'],
};

/** The earlier pending file `file` must wait for, described, or undefined if none. */
export function orderingBlocker(
  file: MigrationFile,
  files: readonly MigrationFile[],
  pending: ReadonlySet<string>,
): string | undefined {
  const waitsFor = WAITS_FOR[file.header.phase];
  const blocker = files.find(
    (other) =>
      other.name < file.name && pending.has(other.name) && waitsFor.includes(other.header.phase),
  );
  if (!blocker) return undefined;
  const how =
    blocker.header.phase === 'backfill'
      ? `npm run migrate -- backfill ${blocker.name}`
      : `npm run migrate -- ${blocker.header.phase}`;
  return `waits for ${blocker.header.phase} ${blocker.name}, not applied yet (${how})`;
}
