// Plays a ChartCase: renders each step with real helm and runs it through the Helm 4 model.
import { renderChart, type SetValues } from '../chart/helm.ts';
import type { ChartCase } from './chart-cases.ts';
import {
  type ClusterState,
  type Executor,
  emptyCluster,
  helmInstall,
  helmUpgrade,
  hpaScale,
  type Outcome,
} from './helm4-model.ts';

export interface CaseResult {
  /** The first failing step's error, or undefined when every step passed. */
  failure?: string;
  /** Capacity lost on the way although the commands passed. */
  disruptions: string[];
  outcomes: Outcome[];
  state: ClusterState;
}

/** Values with nulls removed the way helm's --set does (null deletes the key's override). */
function merge(base: SetValues, set: SetValues): SetValues {
  return { ...base, ...set };
}

export async function playCase(
  helm: string,
  chartCase: ChartCase,
  executor: Executor,
): Promise<CaseResult> {
  const state = emptyCluster();
  const outcomes: Outcome[] = [];
  const disruptions: string[] = [];
  let values = chartCase.base;
  for (const [index, step] of chartCase.steps.entries()) {
    values = merge(values, step.set);
    const rendered = renderChart(helm, values).objects;
    const play = step.command === 'install' ? helmInstall : helmUpgrade;
    const outcome = await play(state, rendered, executor, step.options);
    outcomes.push(outcome);
    disruptions.push(...outcome.disruptions);
    if (!outcome.ok)
      return {
        failure: `step ${index + 1} (helm ${step.command}): ${outcome.error?.message}`,
        disruptions,
        outcomes,
        state,
      };
    for (const [name, replicas] of Object.entries(step.hpaScalesAfter ?? {}))
      hpaScale(state, name, replicas);
  }
  return { disruptions, outcomes, state };
}

/** An executor for the model alone: every Job and pod succeeds, every rollout is ready. */
export function recordingExecutor(): Executor & { ran: string[] } {
  const ran: string[] = [];
  return {
    ran,
    async runHookJob(job) {
      ran.push(`job ${job.metadata.name}`);
    },
    async runHookPod(pod) {
      ran.push(`pod ${pod.metadata.name}`);
    },
    async applyRelease(applied, replicas) {
      for (const object of applied)
        if (object.kind === 'Deployment')
          ran.push(
            `deployment ${object.metadata.name}=${replicas.get(`Deployment/${object.metadata.name}`)}`,
          );
    },
    async waitReady() {
      ran.push('wait');
    },
  };
}
