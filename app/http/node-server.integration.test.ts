// The API's Node server against slow and greedy clients, over real sockets: trickled headers and
// bodies are cut off by the configured timeouts, an idle keep-alive connection is not, and
// connections past the cap are closed at once.
import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { connect } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { trickle as slowClient } from '../../test/support/slow-client.ts';
import { createNodeServer } from './node-server.ts';

// Reads the whole body first, as the API's JSON routes do.
const server = createNodeServer(
  async (request) => new Response(`read ${(await request.text()).length}`),
  {
    KEEP_ALIVE_TIMEOUT_MS: 5_000,
    HEADERS_TIMEOUT_MS: 400,
    RECEIVE_TIMEOUT_MS: 800,
    MAX_CONNECTIONS: 3,
  },
);

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function open(): Promise<{ socket: Socket; received: () => string }> {
  const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
  await once(socket, 'connect');
  let text = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
  });
  return { socket, received: () => text };
}

async function trickle(head: string, dripMs: number): Promise<string> {
  return (await slowClient((server.address() as AddressInfo).port, head, dripMs)).answer;
}

it('answers 408 to headers that trickle in', async () => {
  expect(await trickle('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ', 250)).toMatch(/^HTTP\/1\.1 408 /);
});

it('answers 408 to a body that trickles in', async () => {
  const answer = await trickle('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n', 600);
  expect(answer).toMatch(/^HTTP\/1\.1 408 /);
});

it('keeps an idle keep-alive connection open past the headers timeout', async () => {
  const { socket, received } = await open();
  socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(received().match(/HTTP\/1\.1 200 /g)).toHaveLength(2);
  socket.destroy();
});

it('closes connections past MAX_CONNECTIONS at once', async () => {
  const held = await Promise.all([open(), open(), open()]);
  const extra = await open();
  await Promise.race([
    once(extra.socket, 'close'),
    new Promise((resolve) => setTimeout(resolve, 3_000)),
  ]);
  expect(extra.socket.destroyed || extra.socket.readableEnded).toBe(true);
  for (const { socket } of held) socket.destroy();
});
