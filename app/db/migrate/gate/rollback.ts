// The rollback check: `helm rollback` never un-migrates, so going back to a release older than
// an applied contract's `after=` would start code that needs what the contract removed. The
// check reads only the bookkeeping table, so the old release's image (which does not even ship
// the contract file) can run it as a pre-rollback hook.
import type { SqlSession } from '../../database.ts';
import { bookkeepingExists, readRecorded } from '../bookkeeping.ts';
import { isOlderRelease } from '../release.ts';

/** Why release `target` may not run against this database; empty when it may. */
export async function rollbackBlockers(session: SqlSession, target: string): Promise<string[]> {
  if (!(await bookkeepingExists(session))) return [];
  const reasons: string[] = [];
  for (const [name, recorded] of await readRecorded(session)) {
    if (recorded.phase !== 'contract' || !recorded.after) continue;
    if (isOlderRelease(target, recorded.after)) {
      reasons.push(
        `contract ${name} is applied and needs release ${recorded.after} or newer; ${target} may still use what it removed`,
      );
    }
  }
  return reasons.sort();
}
