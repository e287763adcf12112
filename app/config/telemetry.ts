// Traces (OTLP export, sampling, batching) and the build facts in build_info and the trace
// resource.
import { z } from 'zod';
import { type ConfigOf, httpUrl, integer, oneOf, variables } from './variable.ts';

/** The OTLP encodings the exporter speaks (OTLP/HTTP only: no gRPC). */
const OTLP_PROTOCOLS = ['http/json', 'http/protobuf'] as const;

export const telemetry = variables({
  GIT_COMMIT: {
    schema: z
      .string()
      .trim()
      .regex(/^[\w.-]{1,64}$/, 'expected a commit id'),
    default: 'unknown',
    doc: 'Commit this build was made from: `build_info{commit}`.',
  },
  DEPLOYMENT_COLOUR: {
    schema: z
      .string()
      .trim()
      .regex(/^[a-z0-9-]{1,32}$/, 'expected a colour such as blue'),
    default: 'none',
    doc: 'Blue-green colour of this Deployment (set by the chart): `build_info{colour}`, the trace resource.',
  },
  OTEL_EXPORTER_OTLP_ENDPOINT: {
    schema: httpUrl.optional(),
    default: undefined,
    doc: 'OTLP/HTTP collector base URL; traces go to `<url>/v1/traces`. Unset (and no traces endpoint): tracing is off.',
  },
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: {
    schema: httpUrl.optional(),
    default: undefined,
    doc: 'Full OTLP/HTTP traces URL; wins over `OTEL_EXPORTER_OTLP_ENDPOINT`.',
  },
  OTEL_EXPORTER_OTLP_PROTOCOL: {
    schema: oneOf(OTLP_PROTOCOLS),
    default: 'http/json',
    doc: 'How spans are encoded: `http/json` or `http/protobuf`. JSON is the default here because it costs this app about half the CPU per span (docs/benchmarks.md, "Telemetry"). gRPC is not supported.',
  },
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: {
    schema: oneOf(OTLP_PROTOCOLS).optional(),
    default: undefined,
    doc: 'The traces encoding; wins over `OTEL_EXPORTER_OTLP_PROTOCOL`.',
  },
  OTEL_EXPORTER_OTLP_HEADERS: {
    schema: z
      .string()
      .trim()
      .regex(/^[^=,]+=[^,]*(?:,[^=,]+=[^,]*)*$/, 'expected key=value pairs separated by commas')
      .optional(),
    default: undefined,
    doc: 'Headers sent with every export (`key=value,…`, values URL-encoded), e.g. an API key.',
    secret: true,
  },
  OTEL_EXPORTER_OTLP_TIMEOUT: {
    schema: integer(1, 600_000),
    default: '10000',
    doc: 'Milliseconds one export may take before it counts as failed.',
  },
  OTEL_SERVICE_NAME: {
    schema: z.string().trim().min(1, 'expected a service name'),
    default: 'myapp',
    doc: 'The trace resource `service.name`.',
  },
  OTEL_TRACES_SAMPLER: {
    schema: oneOf([
      'always_on',
      'always_off',
      'traceidratio',
      'parentbased_always_on',
      'parentbased_always_off',
      'parentbased_traceidratio',
    ]),
    default: 'parentbased_always_on',
    doc: 'Which requests are traced (the OpenTelemetry sampler names).',
  },
  OTEL_TRACES_SAMPLER_ARG: {
    schema: z
      .string()
      .trim()
      .regex(/^(?:0(?:\.\d+)?|1(?:\.0+)?)$/, 'expected a ratio from 0 to 1')
      .transform(Number),
    default: '1',
    doc: 'The ratio for the `traceidratio` samplers.',
  },
  OTEL_BSP_MAX_QUEUE_SIZE: {
    schema: integer(1, 1_000_000),
    default: '2048',
    doc: 'Most finished spans held for export; more are dropped (and counted in `otel_sdk_spans_dropped_total`) so a dead collector never grows memory.',
  },
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: {
    schema: integer(1, 1_000_000),
    default: '512',
    doc: 'Spans sent in one export. A full batch leaves at once; fewer wait for the schedule delay, so a busy service sends few large exports.',
  },
  OTEL_BSP_SCHEDULE_DELAY: {
    schema: integer(1, 600_000),
    default: '5000',
    doc: 'Milliseconds a finished span waits at most for export when fewer than a batch are queued.',
  },
});

export type TelemetryConfig = ConfigOf<typeof telemetry>;
