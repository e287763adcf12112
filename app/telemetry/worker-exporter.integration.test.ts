import { SpanKind } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spanCollector } from '../../test/support/finished-spans.ts';
import { type OtlpReceiver, startOtlpReceiver } from '../../test/support/otlp-receiver.ts';
import { freePort } from '../../test/support/ports.ts';
import { createWorkerExporter, type ExportWorkerOptions } from './worker-exporter.ts';

const RESOURCE = { 'service.name': 'myapp', 'deployment.colour': 'blue' };

function spans(count: number, name = 'GET /route'): ReadableSpan[] {
  const { provider, finished } = spanCollector(RESOURCE);
  const tracer = provider.getTracer('myapp');
  for (let index = 0; index < count; index++) {
    tracer.startSpan(`${name}/${index}`, { kind: SpanKind.SERVER }).end();
  }
  return finished;
}

const exportOnce = (exporter: SpanExporter, batch: ReadableSpan[]) =>
  new Promise<ExportResult>((resolve) => exporter.export(batch, resolve));

const standIn = (name: string) =>
  new URL(`../../test/support/export-workers/${name}.ts`, import.meta.url);

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver.close());

function options(overrides: Partial<ExportWorkerOptions> = {}): ExportWorkerOptions {
  return {
    url: `${receiver.url}/v1/traces`,
    protocol: 'http/json',
    headers: {},
    timeoutMillis: 2_000,
    resource: RESOURCE,
    ...overrides,
  };
}

describe('the worker exporter', () => {
  it.each([
    ['http/json', 'application/json'],
    ['http/protobuf', 'application/x-protobuf'],
  ] as const)(
    'sends %s from its thread to the collector, with the resource',
    async (protocol, encoding) => {
      // A fresh worker loads the OTLP exporter before its first export: on a busy machine that
      // alone took longer than a production timeout, which these cases do not test.
      const exporter = createWorkerExporter(options({ protocol, timeoutMillis: 20_000 }));
      const sent = spans(3);
      const result = await exportOnce(exporter, sent);
      expect(result.code).toBe(ExportResultCode.SUCCESS);
      const ids = sent.map((span) => span.spanContext().spanId);
      const received = receiver.spans.filter((span) => ids.includes(span.spanId));
      expect(received.map((span) => span.name).sort()).toEqual([
        'GET /route/0',
        'GET /route/1',
        'GET /route/2',
      ]);
      expect(received[0]?.resource).toMatchObject(RESOURCE);
      expect(receiver.encodings.at(-1)).toBe(encoding);
      await exporter.shutdown();
    },
  );

  it('reports a failed export when the collector is unreachable', async () => {
    const closedPort = await freePort();
    const exporter = createWorkerExporter(
      options({ url: `http://127.0.0.1:${closedPort}/v1/traces`, timeoutMillis: 500 }),
    );
    expect((await exportOnce(exporter, spans(2))).code).toBe(ExportResultCode.FAILED);
    await exporter.shutdown();
  });

  // A worker that dies holding a batch, or whose event loop blocks for good: either way the batch
  // fails, and the next one succeeds only on a new worker (the old one can answer nothing more).
  it.each([
    ['dies', 'crash-on-crash-span', 'crash', 'export worker exited'],
    ['never answers', 'hang-on-hang-span', 'hang', 'export worker did not answer'],
  ])(
    'fails the batch of a worker that %s, and starts a new worker for the next',
    async (_, entry, name, message) => {
      const exporter = createWorkerExporter(options({ timeoutMillis: 100 }), standIn(entry));
      const lost = await exportOnce(exporter, spans(1, name));
      expect(lost.code).toBe(ExportResultCode.FAILED);
      expect(lost.error?.message).toBe(message);
      expect((await exportOnce(exporter, spans(2))).code).toBe(ExportResultCode.SUCCESS);
      await exporter.shutdown();
    },
  );

  it('finishes the export in flight before its worker stops', async () => {
    const exporter = createWorkerExporter(options());
    const sent = spans(1);
    const exported = exportOnce(exporter, sent);
    await exporter.shutdown();
    expect((await exported).code).toBe(ExportResultCode.SUCCESS);
    const id = sent[0]?.spanContext().spanId;
    expect(receiver.spans.some((span) => span.spanId === id)).toBe(true);
  });

  it('shuts down at once when it never started a worker', async () => {
    await expect(createWorkerExporter(options()).shutdown()).resolves.toBeUndefined();
  });
});
