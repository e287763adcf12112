// A slow client over a real socket, for tests of server timeouts: it writes `head`, then a byte
// every 100 ms for `dripMs` (activity must not reset the timeouts), then waits until the server
// closes (or 10 s pass). The drip stops well before the timeout: a byte arriving after the
// server closed would be answered with a reset, which can discard the 408 before it is read.
import { once } from 'node:events';
import { connect } from 'node:net';

export async function trickle(
  port: number,
  head: string,
  dripMs: number,
): Promise<{ answer: string; elapsedMs: number }> {
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
