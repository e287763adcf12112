// A small real OTLP/HTTP traces receiver: accepts what the app's exporters send (POST /v1/traces,
// OTLP protobuf or OTLP JSON) and keeps the spans, flattened, for assertions, with the encoding
// each export arrived in.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeTraceExport } from './otlp-protobuf.ts';

type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean };
type OtlpAttribute = { key: string; value: OtlpValue };

interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, string | number | boolean | undefined>;
  events: { name: string; attributes: Record<string, string | number | boolean | undefined> }[];
  resource: Record<string, string | number | boolean | undefined>;
}

export interface OtlpReceiver {
  url: string;
  spans: ReceivedSpan[];
  /** The content type of every export received, in order. */
  encodings: string[];
  close(): Promise<void>;
}

function flatten(attributes: OtlpAttribute[] = []) {
  return Object.fromEntries(
    attributes.map(({ key, value }) => [
      key,
      value.stringValue ??
        (value.intValue === undefined ? value.boolValue : Number(value.intValue)),
    ]),
  );
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const encodings: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      const encoding = String(req.headers['content-type']);
      if (encoding !== 'application/json' && encoding !== 'application/x-protobuf') {
        res.writeHead(415).end();
        return;
      }
      encodings.push(encoding);
      const raw = Buffer.concat(chunks);
      const body =
        encoding === 'application/json' ? JSON.parse(raw.toString('utf8')) : decodeTraceExport(raw);
      for (const resourceSpans of body.resourceSpans ?? []) {
        const resource = flatten(resourceSpans.resource?.attributes);
        for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
          for (const span of scopeSpans.spans ?? []) {
            spans.push({
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId ?? '',
              name: span.name,
              kind: span.kind,
              attributes: flatten(span.attributes),
              events: (span.events ?? []).map(
                (event: { name: string; attributes: OtlpAttribute[] }) => ({
                  name: event.name,
                  attributes: flatten(event.attributes),
                }),
              ),
              resource,
            });
          }
        }
      }
      // An empty success answer in the request's encoding (an empty protobuf message is 0 bytes).
      res
        .writeHead(200, { 'content-type': encoding })
        .end(encoding === 'application/json' ? '{}' : '');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    encodings,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
