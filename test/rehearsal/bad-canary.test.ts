// Scenario 8: a bad canary. The current release on green is a build whose writes all fail: a
// post-renderer gives green's container alone a database URL with `default_transaction_read_only=on`
// (what a release pointed at a read-only standby gets), so every create and update it serves
// answers 503 while its reads, /health and /ready pass — the deploy step's --wait passes, and only
// real traffic shows the defect. (REQUEST_TIMEOUT_MS=1 would time out /ready too: its pods would
// flap in and out of the endpoints, a bad release readiness already catches. And a values
// override cannot hit one colour: `config.*` is one ConfigMap, whose checksum restarts blue too.)
// `blueGreen.step=canary` at 5 % with `--rollback-on-failure --wait`: the analysis Job must fail
// it on availability, Helm must roll back to the deploy revision by itself (the HTTPRoute back to
// 100 % stable), and the users' failures must stay within the canary's weight of the requests for
// as long as the analysis may take and the rollback took.
import { expect, it } from 'vitest';
import { describeWithTool } from '../support/tools.ts';
import {
  ANALYSIS,
  CANARY_VALUES,
  canaryShare,
  canaryStep,
  deployGreen,
  GATEWAY_LOAD,
  gatewayWeights,
  lastAnalysis,
  startMonitoring,
  stepper,
} from './canary.ts';
import { describeRehearsal, Rehearsal, sleep } from './harness.ts';
import type { K8sObject } from './manifests.ts';
import { failed } from './report.ts';

const WEIGHT = 5;
/** The bound's margin over the weight × rate × time it allows (round-robin and rate noise). */
const SLACK = 1.5;
/** From the Job's start to its first query that sees the canary: the process and one scrape. */
const JOB_START_SECONDS = 5;

/** The defect: green's container (the build on trial) connects read-only. */
function readOnlyOnGreen(databaseUrl: () => string) {
  return (objects: K8sObject[]): K8sObject[] => {
    for (const object of objects) {
      if (object.kind !== 'Deployment' || object.metadata.name !== 'myapp-green') continue;
      const env: { name: string; value?: string }[] = object.spec.template.spec.containers[0].env;
      const index = env.findIndex((entry) => entry.name === 'DATABASE_URL');
      const url = databaseUrl();
      // postgres.js sends unknown URL parameters as run-time settings of each connection.
      const value = `${url}${url.includes('?') ? '&' : '?'}default_transaction_read_only=on`;
      env.splice(index === -1 ? env.length : index, index === -1 ? 0 : 1, {
        name: 'DATABASE_URL',
        value,
      });
    }
    return objects;
  };
}

describeWithTool('prometheus', (prometheusPath) =>
  describeRehearsal('scenario 8: a bad canary', (helm) => {
    it('the analysis fails it, Helm rolls back by itself, failures stay within the bound', async () => {
      let databaseUrl = '';
      const rehearsal = await Rehearsal.start({
        scenario: '8 bad canary',
        helm,
        values: CANARY_VALUES,
        postRender: readOnlyOnGreen(() => databaseUrl),
      });
      databaseUrl = rehearsal.databaseUrl;
      const prometheus = await startMonitoring(rehearsal, prometheusPath);
      try {
        await rehearsal.install();
        const load = rehearsal.startLoad(GATEWAY_LOAD);
        await sleep(2_000);
        const step = stepper(rehearsal);
        await deployGreen(step);
        const deployRevision = rehearsal.cluster.state.revision;
        const deployValues = { ...rehearsal.values };
        expect(await gatewayWeights(rehearsal)).toEqual({ blue: 256 });

        const from = Date.now();
        const outcome = await canaryStep(step, WEIGHT);
        const analysis = lastAnalysis(rehearsal);
        rehearsal.note(`bad canary: ${analysis.line}`);
        // The analysis failed the canary on availability (exit 1, verdict fail)...
        expect(outcome.error?.reason, analysis.line).toBe('hook-failed');
        expect(analysis.status).toBe(1);
        expect(analysis.verdict.verdict).toBe('fail');
        expect(analysis.verdict.slos.find((s) => s.id === 'requests-availability')?.verdict).toBe(
          'fail',
        );
        // ...and Helm rolled back to the deploy revision: a new revision with its objects.
        expect(outcome.rollback).toMatchObject({ to: deployRevision, ok: true });
        const history = rehearsal.cluster.state.history;
        expect(history.at(-1)?.status).toBe('deployed');
        expect(history.at(-1)?.rendered).toBe(
          history.find((r) => r.revision === deployRevision)?.rendered,
        );
        expect(history.at(-2)?.status).toBe('failed');
        expect(rehearsal.values).toEqual(deployValues);
        const route = rehearsal.cluster.state.objects.get('HTTPRoute/myapp');
        expect(route?.spec.rules[0].backendRefs).toEqual([
          { name: 'myapp', port: 80, weight: 100 },
        ]);
        // stepper waited out the lag: the Gateway sends nothing to green any more.
        expect(await gatewayWeights(rehearsal)).toEqual({ blue: 256 });
        const rolledBackAt = Date.now();
        // Users go on, and no one fails any more.
        await sleep(10_000);
        // The pods' own counters (they ran the whole scenario, so a counter is every answer since
        // its start): the stable colour answered no API request with a server error, so every 5xx
        // the users saw came from the canary.
        const serverErrors = async (colour: string) => {
          const answer = await prometheus.query(
            `sum(http_server_request_duration_seconds_count{job="myapp",http_route=~"/api/.*",http_response_status_code=~"5.."} * on(instance, job) group_left(colour) build_info{job="myapp",colour="${colour}"})`,
          );
          expect(answer.status).toBe('success');
          return Number(answer.data.result[0]?.value[1] ?? 0);
        };
        expect(await serverErrors('blue')).toBe(0);
        const canaryServerErrors = await serverErrors('green');

        // The bound: the canary's weight of the Gateway's requests, for as long as the analysis
        // may run before it judges, plus the rollback Helm took and the weights' lag.
        const gatewayRate =
          load.samples.filter((s) => s.via === 'gateway' && s.at >= from && s.at <= rolledBackAt)
            .length /
          ((rolledBackAt - from) / 1_000);
        const rollbackSeconds = (outcome.rollback?.ms ?? 0) / 1_000;
        const exposureSeconds = ANALYSIS.durationSeconds + JOB_START_SECONDS + rollbackSeconds + 1;
        const bound = Math.ceil((WEIGHT / 100) * gatewayRate * exposureSeconds * SLACK);
        const provoked = (s: (typeof load.samples)[number]) =>
          s.status === 503 && /create|update/.test(s.op) && s.at >= from && s.at <= rolledBackAt;
        const report = await rehearsal.finish({
          expected: {
            reason: `503s of the bad canary's writes (green, read-only database) while it had ${WEIGHT} %`,
            matches: provoked,
            bound,
            formula: `${WEIGHT} % × ${gatewayRate.toFixed(1)} req/s × (${ANALYSIS.durationSeconds} s analysis + ${JOB_START_SECONDS} s Job start + ${rollbackSeconds.toFixed(1)} s rollback + 1 s lag) × ${SLACK}`,
          },
          details: {
            analysis: analysis.verdict,
            analysisSeconds: analysis.seconds,
            canarySharePercent: canaryShare(analysis.verdict),
            upgradeWithRollbackSeconds: outcome.seconds,
            rollbackSeconds,
            gatewayRequestsPerSecond: Math.round(gatewayRate * 10) / 10,
            canaryServerErrorsInPrometheus: canaryServerErrors,
          },
        });
        const failures = load.samples.filter(failed);
        // Every failure is one of the canary's failed writes while it had weight; none after the
        // rollback.
        expect(report.unexpectedFailureKinds).toEqual({});
        expect(failures.filter((s) => s.at > rolledBackAt)).toEqual([]);
        expect(report.expectedFailures?.observed).toBeGreaterThan(0);
        expect(report.expectedFailures?.observed).toBeLessThanOrEqual(bound);
        expect(report.lostWrites).toBe(0);
        expect(report.ok).toBe(true);
      } finally {
        await rehearsal.close();
        await prometheus.close();
      }
    }, 300_000);
  }),
);
