// The guard's Node server against slow clients, over a real socket: a webhook whose body
// trickles in is cut off by the server's own request timeout.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { trickle as slowClient } from '../../../test/support/slow-client.ts';
import { guardNodeServer, guardServer } from './server.ts';

const server = guardNodeServer(
  guardServer({
    guard: { handle: async () => [] },
    webhookToken: 'a-token-of-sixteen+',
    alertNames: ['Burn'],
    dryRun: true,
  }),
  { headersTimeoutMs: 400, requestTimeoutMs: 600 },
);

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const trickle = (head: string, dripMs: number) =>
  slowClient((server.address() as AddressInfo).port, head, dripMs);

it('cuts off an authenticated body that trickles in', async () => {
  const { answer, elapsedMs } = await trickle(
    'POST /alerts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a-token-of-sixteen+\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{',
    400,
  );
  expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  expect(elapsedMs).toBeLessThan(5_000);
});

it('cuts off headers that trickle in', async () => {
  const { answer } = await trickle('POST /alerts HTTP/1.1\r\nHost: x\r\nX-Slow: ', 250);
  expect(answer).toMatch(/^HTTP\/1\.1 408 /);
});
