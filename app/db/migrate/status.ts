// What `status` and `plan` report: where every file stands, why pending ones are held back,
// and what each command would do now. Read-only: no lock, no writes.
import type { SqlSession } from '../database.ts';
import { type BackfillState, readBackfills } from './backfill/checkpoint.ts';
import { isChanged, readRecorded } from './bookkeeping.ts';
import type { MigrationFile } from './files.ts';
import { contractBlockers } from './gate/contract.ts';
import { recentInstances, type SeenInstance } from './gate/instances.ts';
import type { Phase } from './header.ts';
import { type Command, orderingBlocker, PHASES_OF } from './plan.ts';
import type { HeldFile } from './runner.ts';
import { DEFAULTS } from './settings.ts';

interface FileStatus {
  name: string;
  phase: Phase;
  state: 'applied' | 'pending' | 'changed';
  /** For pending files: why they may not run now (empty: the next run of their phase applies them). */
  heldBy: string[];
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
  /** Applied, but the file's content differs from what was applied: `migrate` refuses to run. */
  changed: string[];
  /** Recorded as applied with no file here, e.g. applied by a newer release. */
  unknown: string[];
  files: FileStatus[];
  backfills: BackfillState[];
  /** Instances seen within the gate window. */
  instances: SeenInstance[];
}

/** Where every file stands, and why pending ones are held back. Read-only; takes no lock. */
export async function migrationStatus(
  session: SqlSession,
  files: readonly MigrationFile[],
  gateWindowMs: number = DEFAULTS.gateWindowMs,
): Promise<MigrationStatus> {
  const recorded = await readRecorded(session);
  const names = new Set(files.map((file) => file.name));
  const pending = new Set(files.filter((file) => !recorded.has(file.name)).map((f) => f.name));
  const statuses: FileStatus[] = [];
  for (const file of files) {
    const state = isChanged(file, recorded)
      ? 'changed'
      : recorded.has(file.name)
        ? 'applied'
        : 'pending';
    const heldBy: string[] = [];
    if (state === 'pending') {
      const ordering = orderingBlocker(file, files, pending);
      if (ordering) heldBy.push(ordering);
      else if (file.header.phase === 'contract')
        heldBy.push(...(await contractBlockers(session, file, gateWindowMs)));
    }
    statuses.push({ name: file.name, phase: file.header.phase, state, heldBy });
  }
  return {
    applied: files.filter((file) => recorded.has(file.name)).map((file) => file.name),
    pending: [...pending],
    changed: statuses.filter((file) => file.state === 'changed').map((file) => file.name),
    unknown: [...recorded.keys()].filter((name) => !names.has(name)).sort(),
    files: statuses,
    backfills: await readBackfills(session),
    instances: await recentInstances(session, gateWindowMs),
  };
}

interface PlanStep {
  command: Exclude<Command, 'all'>;
  /** Files the command would apply now, in order. */
  runs: string[];
  held: HeldFile[];
}

export interface MigrationPlan {
  /** Applied files edited since: every command refuses until they are restored. */
  changed: string[];
  steps: PlanStep[];
}

/** What `expand`, `backfill` and `contract` would each do if run now. Read-only; takes no lock. */
export async function migrationPlan(
  session: SqlSession,
  files: readonly MigrationFile[],
  gateWindowMs: number = DEFAULTS.gateWindowMs,
): Promise<MigrationPlan> {
  const recorded = await readRecorded(session);
  const steps: PlanStep[] = [];
  for (const command of ['expand', 'backfill', 'contract'] as const) {
    const pending = new Set(files.filter((file) => !recorded.has(file.name)).map((f) => f.name));
    const step: PlanStep = { command, runs: [], held: [] };
    for (const file of files) {
      if (!pending.has(file.name) || !PHASES_OF[command].includes(file.header.phase)) continue;
      const ordering = orderingBlocker(file, files, pending);
      const reasons = ordering
        ? [ordering]
        : file.header.phase === 'contract'
          ? await contractBlockers(session, file, gateWindowMs)
          : [];
      if (reasons.length > 0)
        step.held.push({ name: file.name, phase: file.header.phase, reasons });
      else {
        step.runs.push(file.name);
        pending.delete(file.name);
      }
    }
    steps.push(step);
  }
  return { changed: files.filter((file) => isChanged(file, recorded)).map((f) => f.name), steps };
}
