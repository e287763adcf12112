// Chaos: the flag server (a real unleash-server of the test's own, on a database of its own) is
// killed under the normal load and started again. The app keeps serving the flags it last
// fetched: zero failed requests, and the recommendations (which read a flag) keep answering.
import { expect, it } from 'vitest';
import { startUnleashServer } from '../../scripts/stack/unleash-process.ts';
import { createTestDatabase } from '../support/database.ts';
import { freePort } from '../support/ports.ts';
import { describeWithUnleash } from '../support/unleash.ts';
import { describeRehearsal, Rehearsal, sleep } from './harness.ts';

describeWithUnleash('with unleash-server', () => {
  describeRehearsal('chaos: Unleash killed and restarted', (helm) => {
    it('fails no request and loses nothing acknowledged', async () => {
      const unleashDb = await createTestDatabase();
      const unleash = await startUnleashServer({
        databaseUrl: unleashDb.url,
        port: await freePort(),
        adminToken: '*:*.rehearsal-admin',
        backendToken: 'default:development.rehearsal-backend',
      });
      const rehearsal = await Rehearsal.start({
        scenario: 'chaos Unleash killed and restarted',
        helm,
        values: {
          'externalUnleash.url': unleash.apiUrl,
          'externalUnleash.token': unleash.backendToken,
          // Info lines show the flag client starting against this server (provider unleash).
          'config.LOG_LEVEL': 'info',
        },
      });
      try {
        await rehearsal.install();
        const load = rehearsal.startLoad();
        await sleep(3_000);
        await rehearsal.change('Unleash killed, 5 s down, restarted', async () => {
          await unleash.stop('SIGKILL');
          await sleep(5_000);
          await unleash.restart();
          await sleep(3_000);
        });
        const report = await rehearsal.finish();
        expect(report.failureKinds).toEqual({});
        expect(report.lostWrites).toBe(0);
        expect(load.samples.filter((s) => s.op === 'recommendations').length).toBeGreaterThan(10);
      } finally {
        await rehearsal.close();
        await unleash.stop().catch(() => {});
        await unleashDb.drop();
      }
    }, 180_000);
  });
});
