// The guard's Node server against slow clients, over a real socket: a webhook whose body
// trickles in is cut off by the server's own request timeout.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
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

/**
 * Opens a socket, writes `head`, then a byte every 100 ms for `dripMs` (stopping well before
 * the timeout: a byte sent after the server closed draws a reset, which can discard the 408
 * unread); resolves with what came back.
 */
async function trickle(
  head: string,
  dripMs: number,
): Promise<{ answer: string; elapsedMs: number }> {
  const { port } = server.address() as AddressInfo;
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const started = Date.now();
  let answer = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    answer += chunk;
  });
  socket.on('error', () => {});
  socket.write(head);
  const drip = setInterval(() => {
    if (Date.now() - started < dripMs && socket.writable) socket.write('x');
  }, 100);
  await Promise.race([
    once(socket, 'close'),
    new Promise((resolve) => setTimeout(resolve, 10_000)),
  ]);
  clearInterval(drip);
  socket.destroy();
  return { answer, elapsedMs: Date.now() - started };
}

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
