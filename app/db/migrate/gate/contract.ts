// The contract gate: a contract file removes something the previous release still used, so it
// may run only when there is evidence that no instance of a release older than its `after=` can
// still be serving. Evidence, not hope: instances record their release and a heartbeat
// (app/db/heartbeat.ts); an instance counts as alive until it says it stopped (graceful
// shutdown) or falls silent for `windowMs`. `helm --wait` finishing is not evidence: old pods
// may still be draining, and a failed rollout may have left some behind.
import type { SqlSession } from '../../database.ts';
import { readBackfills } from '../backfill/checkpoint.ts';
import type { MigrationFile } from '../files.ts';
import { isOlderRelease } from '../release.ts';
import { recentInstances } from './instances.ts';

function describeAge(ms: number): string {
  return ms < 1_000 ? `${ms} ms` : `${Math.round(ms / 1_000)} s`;
}

/** Why `file` may not run now; empty when the gate is open. */
export async function contractBlockers(
  session: SqlSession,
  file: MigrationFile,
  windowMs: number,
): Promise<string[]> {
  const after = file.header.after;
  if (!after) return [`${file.name} has no after=<release> in its header`];
  const reasons: string[] = [];
  for (const instance of await recentInstances(session, windowMs)) {
    if (instance.stopped || !isOlderRelease(instance.release, after)) continue;
    reasons.push(
      `instance ${instance.instanceId} (host ${instance.hostname}) runs release ${instance.release}, older than ${after}, and was seen ${describeAge(instance.ageMs)} ago (window ${describeAge(windowMs)})`,
    );
  }
  for (const backfill of await readBackfills(session)) {
    if (backfill.completedAt === null) {
      reasons.push(
        `backfill ${backfill.name} is not complete (${backfill.rowsDone} rows done, up to key ${backfill.lastKey ?? 'none'}): run npm run migrate -- backfill ${backfill.name}`,
      );
    }
  }
  return reasons;
}
