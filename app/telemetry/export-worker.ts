// The export worker's entry (a worker thread, started by worker-exporter.ts): turns span records
// back into spans, encodes them as OTLP and sends them to the collector. Encoding and HTTP are
// most of what a traced request costs after its spans are made; here they run beside the event
// loop that serves requests instead of on it.
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { spanDecoder } from './span-records.ts';
import type { ExportReply, ExportRequest, ExportWorkerOptions } from './worker-exporter.ts';

/** Serves the thread's port: one export request in, one reply out. */
function serve(port: MessagePort, options: ExportWorkerOptions): void {
  const Exporter = options.protocol === 'http/json' ? OtlpJsonExporter : OtlpProtobufExporter;
  const exporter = new Exporter({
    url: options.url,
    headers: options.headers,
    timeoutMillis: options.timeoutMillis,
  });
  const decode = spanDecoder(resourceFromAttributes(options.resource));
  const reply = (message: ExportReply) => port.postMessage(message);

  port.on('message', (request: ExportRequest) => {
    if (request.kind === 'shutdown') {
      void exporter.shutdown().finally(() => reply({ kind: 'shutdown' }));
      return;
    }
    try {
      const spans = decode(request.spans);
      exporter.export(spans, (result) =>
        reply({ kind: 'exported', id: request.id, ok: result.code === ExportResultCode.SUCCESS }),
      );
    } catch {
      reply({ kind: 'exported', id: request.id, ok: false });
    }
  });
}

// Imported on a main thread (the image build imports every module to prove it loads), it only
// loads; started as worker-exporter.ts's worker, it serves.
if (parentPort) serve(parentPort, workerData as ExportWorkerOptions);
