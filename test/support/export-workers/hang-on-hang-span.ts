// A stand-in export worker for the worker exporter's failure tests: a batch whose first span's
// name starts with `hang` blocks the thread's event loop for good (a stuck worker); any other
// batch is acknowledged. (A batch's first value is its first span's name: span-records.ts.)
import { parentPort } from 'node:worker_threads';

parentPort?.on('message', (request: { kind: string; id: number; spans: unknown[] }) => {
  if (request.kind === 'shutdown') parentPort?.postMessage({ kind: 'shutdown' });
  else if (String(request.spans[0]).startsWith('hang')) for (;;);
  else parentPort?.postMessage({ kind: 'exported', id: request.id, ok: true });
});
