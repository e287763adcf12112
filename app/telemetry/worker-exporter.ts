// A span exporter whose encoding and sending happen on a worker thread (export-worker.ts). The
// request thread only copies each batch's fields into plain records and posts them: measured in
// this app, about a third of the cost of encoding OTLP/JSON on the spot, and the HTTP exchange
// with the collector leaves the event loop too. Every export ends in a result — success, failure,
// or failure after a deadline if the worker hangs — so the span processor's accounting stays
// honest; a worker that died is started again for the next batch.
import { Worker } from 'node:worker_threads';
import type { Attributes } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { encodeSpans, type SpanBatch } from './span-records.ts';

export interface ExportWorkerOptions {
  url: string;
  protocol: 'http/json' | 'http/protobuf';
  headers: Record<string, string>;
  timeoutMillis: number;
  /** The resource every span is exported with (the tracer provider's own attributes). */
  resource: Attributes;
}

export type ExportRequest = { kind: 'export'; id: number; spans: SpanBatch } | { kind: 'shutdown' };
export type ExportReply = { kind: 'exported'; id: number; ok: boolean } | { kind: 'shutdown' };

const EXPORT_WORKER = new URL('./export-worker.ts', import.meta.url);

/**
 * The worker's old generation. A batch of 512 spans is about 1 MB, as records and again as OTLP,
 * and one export is in flight at a time: 64 MB leaves room for batches ten times that, and keeps
 * the worker from growing a heap sized for the whole pod. A worker that outgrows it dies, fails
 * its batch (counted) and is restarted.
 */
const WORKER_HEAP_MB = 64;

/** Beyond the exporter's own timeout: how long the worker may take to answer at all. */
const ANSWER_GRACE_MS = 1_000;

const failed = (error: Error): ExportResult => ({ code: ExportResultCode.FAILED, error });

/** `worker`: the thread's entry; tests start stand-ins that crash or hang. */
export function createWorkerExporter(
  options: ExportWorkerOptions,
  worker: URL = EXPORT_WORKER,
): SpanExporter {
  let running: Worker | undefined;
  let nextId = 0;
  const pending = new Map<number, (result: ExportResult) => void>();
  let shutDown: (() => void) | undefined;

  function start(): Worker {
    const started = new Worker(worker, {
      workerData: options,
      // One batch at a time is all it holds: a small heap keeps its memory small and bounded.
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    // A worker must never keep a finished process alive; shutdown() exports what is left.
    started.unref();
    started.on('message', (reply: ExportReply) => {
      if (reply.kind === 'shutdown') return shutDown?.();
      pending.get(reply.id)?.(
        reply.ok ? { code: ExportResultCode.SUCCESS } : failed(new Error('export failed')),
      );
    });
    started.on('error', () => {}); // 'exit' follows and settles what was in flight
    started.on('exit', () => {
      if (running === started) running = undefined;
      for (const settle of pending.values()) settle(failed(new Error('export worker exited')));
      shutDown?.();
    });
    return started;
  }

  return {
    export(spans, done) {
      const id = nextId++;
      const timer = setTimeout(
        () => settle(failed(new Error('export worker did not answer'))),
        options.timeoutMillis + ANSWER_GRACE_MS,
      ).unref();
      const settle = (result: ExportResult) => {
        if (!pending.delete(id)) return;
        clearTimeout(timer);
        done(result);
      };
      pending.set(id, settle);
      running ??= start();
      const request: ExportRequest = { kind: 'export', id, spans: encodeSpans(spans) };
      running.postMessage(request);
    },
    async shutdown() {
      const thread = running;
      if (!thread) return;
      await new Promise<void>((resolve) => {
        shutDown = resolve;
        thread.postMessage({ kind: 'shutdown' } satisfies ExportRequest);
      });
      await thread.terminate();
    },
  };
}
