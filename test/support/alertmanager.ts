// A real Alertmanager (Debian's prometheus-alertmanager) on loopback, with clustering off, routing
// every alert to one webhook receiver; started for one test file and stopped with it. Alerts are
// posted to its API as Prometheus would.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './ports.ts';
import { startReadyDaemon } from './ready-daemon.ts';

export interface Alertmanager {
  url: string;
  /** Posts alerts to `/api/v2/alerts`, as firing from now on (Prometheus resends them). */
  fire(
    alerts: { labels: Record<string, string>; annotations?: Record<string, string> }[],
  ): Promise<void>;
  log(): string;
  close(): Promise<void>;
}

export async function startAlertmanager(
  binary: string,
  options: {
    webhookUrl: string;
    bearerToken: string;
    groupBy: string[];
    /** How soon a still-firing group is notified again (Alertmanager's repeat_interval). */
    repeatInterval: string;
  },
): Promise<Alertmanager> {
  const dir = await mkdtemp(join(tmpdir(), 'myapp-alertmanager-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  await writeFile(join(dir, 'token'), options.bearerToken);
  const config = {
    route: {
      receiver: 'guard',
      group_by: options.groupBy,
      group_wait: '0s',
      group_interval: '1s',
      repeat_interval: options.repeatInterval,
    },
    receivers: [
      {
        name: 'guard',
        webhook_configs: [
          {
            url: options.webhookUrl,
            send_resolved: true,
            http_config: { authorization: { credentials_file: join(dir, 'token') } },
          },
        ],
      },
    ],
  };
  await writeFile(join(dir, 'alertmanager.yml'), stringify(config));
  const daemon = await startReadyDaemon(
    'alertmanager',
    binary,
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    url,
  ).catch(async (error) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  const close = async () => {
    await daemon.stop();
    await rm(dir, { recursive: true, force: true });
  };
  return {
    url,
    async fire(alerts) {
      const startsAt = new Date().toISOString();
      const response = await fetch(`${url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          alerts.map((alert) => ({ ...alert, startsAt, generatorURL: 'http://prometheus/graph' })),
        ),
      });
      if (!response.ok)
        throw new Error(`alertmanager refused the alerts: ${await response.text()}`);
    },
    log: daemon.log,
    close,
  };
}
