// A stand-in export worker for the worker exporter's failure tests: a batch of one span kills
// the thread (as a crash in the real worker would); any other batch is acknowledged.
import { parentPort } from 'node:worker_threads';

parentPort?.on('message', (request: { kind: string; id: number; spans: unknown[] }) => {
  if (request.kind === 'shutdown') parentPort?.postMessage({ kind: 'shutdown' });
  else if (request.spans.length === 1) process.exit(3);
  else parentPort?.postMessage({ kind: 'exported', id: request.id, ok: true });
});
