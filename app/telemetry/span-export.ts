// A batching span processor with a hard bound and honest accounting. The SDK's
// BatchSpanProcessor drops spans silently when its queue is full; here every span is either
// exported or counted as dropped (with why), so a dead or slow collector shows on a dashboard
// instead of in the app's memory. At most one export is in flight: a slow collector makes the
// queue fill and spans drop, never requests wait or memory grow.
import type { Context } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';

/** Why a span was lost: the queue was full, or its export failed. */
export const DROP_REASONS = ['queue_full', 'export_failed'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export interface BoundedSpanProcessorOptions {
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduleDelayMs: number;
  onExported(count: number): void;
  onDropped(reason: DropReason, count: number): void;
}

export function createBoundedSpanProcessor(
  exporter: SpanExporter,
  options: BoundedSpanProcessorOptions,
): SpanProcessor {
  const queue: ReadableSpan[] = [];
  let exporting: Promise<void> | undefined;
  let stopped = false;

  function exportBatch(batch: ReadableSpan[]): Promise<void> {
    return new Promise((resolve) => {
      try {
        exporter.export(batch, (result) => {
          if (result.code === ExportResultCode.SUCCESS) options.onExported(batch.length);
          else options.onDropped('export_failed', batch.length);
          resolve();
        });
      } catch {
        options.onDropped('export_failed', batch.length);
        resolve();
      }
    });
  }

  /**
   * Exports batches, one export at a time: full batches only, unless `all` (the timer and
   * flushes), which empties the queue. Under load, spans that arrive while a batch is in flight
   * wait for the next full batch instead of leaving in a small export of their own: a request
   * per round trip to the collector would cost more than the spans' serialisation.
   */
  function drain(all: boolean): Promise<void> {
    exporting ??= (async () => {
      try {
        while (queue.length >= (all ? 1 : options.maxExportBatchSize)) {
          await exportBatch(queue.splice(0, options.maxExportBatchSize));
        }
      } finally {
        exporting = undefined;
      }
    })();
    return exporting;
  }

  // Unref'd: a pending export must never keep a finished process alive (shutdown flushes).
  const timer = setInterval(() => {
    if (queue.length > 0 && !exporting) void drain(true);
  }, options.scheduleDelayMs).unref();

  return {
    onStart(_span: unknown, _parent: Context) {},
    onEnd(span) {
      if (stopped) return;
      if (queue.length >= options.maxQueueSize) {
        options.onDropped('queue_full', 1);
        return;
      }
      queue.push(span);
      if (queue.length >= options.maxExportBatchSize && !exporting) void drain(false);
    },
    async forceFlush() {
      while (queue.length > 0 || exporting) await drain(true);
    },
    async shutdown() {
      stopped = true;
      clearInterval(timer);
      await this.forceFlush();
      await exporter.shutdown();
    },
  };
}
