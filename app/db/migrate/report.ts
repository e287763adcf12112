// What `status` and `plan` print: plain lines an operator reads in a Job log or a terminal.
import type { MigrationPlan, MigrationStatus } from './status.ts';

function ago(ms: number): string {
  return ms < 1_000 ? `${ms} ms` : `${Math.round(ms / 1_000)} s`;
}

export function formatStatus(status: MigrationStatus): string {
  const width = Math.max(0, ...status.files.map((file) => file.name.length));
  const lines: string[] = [];
  for (const file of status.files) {
    let line = `${file.state.padEnd(8)} ${file.name.padEnd(width)}  ${file.phase}`;
    if (file.state === 'changed') line += '  (edited after it was applied: every command refuses)';
    lines.push(line);
    for (const reason of file.heldBy) lines.push(`           held back: ${reason}`);
  }
  for (const name of status.unknown)
    lines.push(`unknown  ${name} (applied, but no such file here)`);
  for (const backfill of status.backfills) {
    const state = backfill.completedAt ? 'complete' : 'in progress';
    lines.push(
      `backfill ${backfill.name}: ${state}, ${backfill.rowsDone} rows changed, checkpoint key ${backfill.lastKey ?? 'none'}`,
    );
  }
  for (const instance of status.instances) {
    lines.push(
      `instance ${instance.instanceId} release ${instance.release}, last heartbeat ${ago(instance.ageMs)} ago${instance.stopped ? ', stopped' : ''}`,
    );
  }
  lines.push(`${status.applied.length} applied, ${status.pending.length} pending`);
  return lines.join('\n');
}

export function formatPlan(plan: MigrationPlan): string {
  const lines: string[] = [];
  if (plan.changed.length > 0) {
    lines.push(`every command refuses: applied files edited since: ${plan.changed.join(', ')}`);
  }
  for (const step of plan.steps) {
    const verb = step.command === 'backfill' ? 'would run' : 'would apply';
    if (step.runs.length === 0 && step.held.length === 0) {
      lines.push(`${step.command}: nothing to do`);
      continue;
    }
    lines.push(`${step.command}:`);
    for (const name of step.runs) lines.push(`  ${verb} ${name}`);
    for (const held of step.held) {
      lines.push(`  held back ${held.name}:`);
      for (const reason of held.reasons) lines.push(`    - ${reason}`);
    }
  }
  return lines.join('\n');
}
