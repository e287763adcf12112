import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { createBoundedSpanProcessor, type DropReason } from './span-export.ts';

/** An exporter that acknowledges each export when the test says so. */
function manualExporter() {
  const batches: number[] = [];
  const pending: (() => void)[] = [];
  const exporter: SpanExporter = {
    export(spans, done) {
      batches.push(spans.length);
      pending.push(() => done({ code: ExportResultCode.SUCCESS }));
    },
    async shutdown() {},
  };
  const settle = async () => {
    while (pending.length > 0) {
      pending.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { exporter, batches, settle };
}

function processorFor(exporter: SpanExporter, maxQueueSize = 100) {
  const counts = { exported: 0, dropped: [] as [DropReason, number][] };
  const processor = createBoundedSpanProcessor(exporter, {
    maxQueueSize,
    maxExportBatchSize: 10,
    scheduleDelayMs: 60_000,
    onExported: (count) => {
      counts.exported += count;
    },
    onDropped: (reason, count) => {
      counts.dropped.push([reason, count]);
    },
  });
  const end = (count: number) => {
    for (let index = 0; index < count; index++) processor.onEnd({} as ReadableSpan);
  };
  return { processor, counts, end };
}

describe('the bounded span processor', () => {
  it('exports full batches while spans keep coming, the rest on flush', async () => {
    const { exporter, batches, settle } = manualExporter();
    const { processor, counts, end } = processorFor(exporter);
    end(10); // a full batch: exported at once
    expect(batches).toEqual([10]);
    end(13); // arrive while that export is in flight
    await settle();
    // One more full batch went; the 3 left wait for a full batch or the timer, not a round trip.
    expect(batches).toEqual([10, 10]);
    await Promise.all([processor.forceFlush(), settle()]);
    await settle();
    expect(batches).toEqual([10, 10, 3]);
    expect(counts).toEqual({ exported: 23, dropped: [] });
    await processor.shutdown();
  });

  it('drops and counts what does not fit in the queue', async () => {
    const { exporter, settle } = manualExporter();
    const { processor, counts, end } = processorFor(exporter, 20);
    end(10); // in flight: out of the queue
    end(25); // 20 fit
    expect(counts.dropped).toEqual([
      ['queue_full', 1],
      ['queue_full', 1],
      ['queue_full', 1],
      ['queue_full', 1],
      ['queue_full', 1],
    ]);
    const flushed = processor.forceFlush();
    await settle();
    await settle();
    await settle();
    await flushed;
    expect(counts.exported).toBe(30);
    await processor.shutdown();
  });
});
