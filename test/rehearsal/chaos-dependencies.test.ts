// Chaos under the normal load: the rate-limit store (a Redis of the test's own, Debian's
// redis-server) stopped and restarted while the OTLP collector is unreachable for the whole run;
// then hostile clients beside the load (slow headers, slow bodies, oversized and malformed bodies,
// a bounded flood of new connections). Zero failed requests of the normal load in both, memory
// bounded, the pods ready throughout.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { expect, it } from 'vitest';
import { freePort } from '../support/ports.ts';
import { describeRehearsal, expectZeroDowntime, Rehearsal, sleep } from './harness.ts';
import { podEvents } from './kubelet.ts';
import { figures } from './report.ts';

/** A redis-server that can be stopped and started again on the same port. */
function redisOn(port: number): { start(): Promise<void>; stop(): Promise<void> } {
  let child: ChildProcess | undefined;
  return {
    async start() {
      child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: 'ignore' },
      );
      for (let tries = 0; tries < 100; tries++) {
        const up = await new Promise<boolean>((resolve) => {
          const socket = connect(port, '127.0.0.1', () => {
            socket.end();
            resolve(true);
          });
          socket.on('error', () => resolve(false));
        });
        if (up) return;
        await sleep(50);
      }
      throw new Error('redis-server did not start');
    },
    async stop() {
      if (!child || child.exitCode !== null) return;
      child.kill('SIGKILL');
      await once(child, 'exit');
    },
  };
}

function rssMiB(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return match ? Math.round(Number(match[1]) / 1024) : 0;
}

/** Sends raw bytes on a fresh connection, slowly; resolves with what the server answered. */
function rawClient(
  address: string,
  chunks: string[],
  delayMs: number,
): Promise<{ answer: string; closedBy: 'server' | 'client' }> {
  const [host, port] = address.split(':');
  return new Promise((resolve) => {
    let answer = '';
    let done = false;
    const socket = connect(Number(port), host as string);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      if (!done) resolve({ answer, closedBy: 'server' });
      done = true;
    });
    void (async () => {
      for (const chunk of chunks) {
        if (socket.destroyed) return;
        socket.write(chunk);
        await sleep(delayMs);
      }
      await sleep(1_000);
      if (!done) {
        done = true;
        socket.destroy();
        resolve({ answer, closedBy: 'client' });
      }
    })();
  });
}

describeRehearsal('chaos: dependencies and hostile clients', (helm) => {
  it('Redis stopped and restarted, the collector unreachable: no failed request, memory bounded', async () => {
    const redisPort = await freePort();
    const redis = redisOn(redisPort);
    await redis.start();
    const rehearsal = await Rehearsal.start({
      scenario: 'chaos Redis restarted and OTLP unreachable',
      helm,
      values: {
        'externalRedis.url': `redis://127.0.0.1:${redisPort}`,
        // Nothing listens on the discard port: every export fails for the whole run.
        'otel.endpoint': 'http://127.0.0.1:9',
        'config.OTEL_TRACES_SAMPLER': 'always_on',
      },
    });
    try {
      await rehearsal.install();
      const pods = rehearsal.cluster.readyPods('myapp-blue');
      const before = pods.map((pod) => rssMiB(pod.pid));
      rehearsal.startLoad();
      await sleep(3_000);
      await rehearsal.change('Redis down 5 s and back', async () => {
        await redis.stop();
        await sleep(5_000);
        await redis.start();
        await sleep(5_000);
      });
      const after = pods.map((pod) => rssMiB(pod.pid));
      rehearsal.note(`resident memory MiB before ${before.join(', ')}; after ${after.join(', ')}`);
      const report = await rehearsal.finish();
      expectZeroDowntime(report);
      // Under the chart's 512 MiB limit, with spans dropped rather than queued without end.
      for (const rss of after) expect(rss).toBeLessThan(450);
    } finally {
      await rehearsal.close();
      await redis.stop();
    }
  }, 180_000);

  it('hostile clients beside the load: the pods stay ready and the load keeps its p99', async () => {
    const rehearsal = await Rehearsal.start({ scenario: 'chaos hostile clients', helm });
    try {
      await rehearsal.install();
      const load = rehearsal.startLoad();
      const service = rehearsal.cluster.proxy.serviceAddress('myapp') as string;
      const baselineFrom = Date.now();
      await sleep(6_000);
      const baseline = figures(load.samples, {
        label: 'baseline',
        from: baselineFrom,
        to: Date.now(),
      });
      const eventsBefore = podEvents.length;
      const answers = await rehearsal.change('hostile clients', async () => {
        const head = (length: number) =>
          `POST /api/v2/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
        const slowHeaders = Array.from({ length: 20 }, () =>
          rawClient(
            service,
            [
              'GET /api/v2/users HTTP/1.1\r\n',
              'Host: x\r\n',
              'X-A: 1\r\n',
              'X-B: 2\r\n',
              'X-C: 3\r\n',
            ],
            2_000,
          ),
        );
        const slowBodies = Array.from({ length: 10 }, () =>
          rawClient(
            service,
            [head(40), ...'{"firstName":"S","lastName":"B","email":'.split('')],
            250,
          ),
        );
        const big = `{"firstName":"${'x'.repeat(200_000)}","lastName":"y","email":"big@example.com"}`;
        const oversized = Array.from({ length: 10 }, () =>
          rawClient(service, [head(big.length), big], 10),
        );
        const malformed = Array.from({ length: 10 }, () =>
          rawClient(service, [`${head(8)}{"broken`], 10),
        );
        const flood: Promise<unknown>[] = [];
        for (let i = 0; i < 300; i++) {
          flood.push(
            rawClient(
              service,
              ['GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
              10,
            ),
          );
          if (i % 50 === 49) await sleep(200);
        }
        const [o, m] = await Promise.all([
          Promise.all(oversized),
          Promise.all(malformed),
          Promise.all(slowHeaders),
          Promise.all(slowBodies),
          Promise.all(flood),
        ]);
        return { oversized: o, malformed: m };
      });
      const during = figures(load.samples, rehearsal.lastWindow());
      rehearsal.note(
        `p99 ${baseline.p99Ms} ms before, ${during.p99Ms} ms beside the hostile clients`,
      );
      const report = await rehearsal.finish();
      expect(answers.oversized.map((a) => a.answer.split(' ')[1])).toEqual(
        new Array(10).fill('413'),
      );
      expect(answers.malformed.map((a) => a.answer.split(' ')[1])).toEqual(
        new Array(10).fill('400'),
      );
      expect(podEvents.slice(eventsBefore).filter((e) => e.event === 'not ready')).toEqual([]);
      expect(report.failureKinds).toEqual({});
      // A shared 2-core machine: "keeps its p99" within twice the baseline plus a quarter second.
      expect(during.p99Ms).toBeLessThanOrEqual(2 * baseline.p99Ms + 250);
    } finally {
      await rehearsal.close();
    }
  }, 180_000);
});
