// Real SDK spans for exporter tests: a tracer provider whose only processor keeps what ends.
import type { Attributes } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { type ReadableSpan, TracerProvider } from '@opentelemetry/sdk-trace';

export function spanCollector(resource: Attributes): {
  provider: TracerProvider;
  /** Every span ended so far, in the order they ended. */
  finished: ReadableSpan[];
} {
  const finished: ReadableSpan[] = [];
  const provider = new TracerProvider({
    resource: resourceFromAttributes(resource),
    spanProcessors: [
      {
        onStart() {},
        onEnd: (span) => finished.push(span),
        forceFlush: async () => {},
        shutdown: async () => {},
      },
    ],
  });
  return { provider, finished };
}
