// The telemetry's settings, read from the configuration (telemetry/ is a leaf and never sees
// the config module itself).
import type { ReleaseConfig } from './config/release.ts';
import type { TelemetryConfig } from './config/telemetry.ts';
import type { TelemetryOptions } from './telemetry/telemetry.ts';
import { parseHeaders, tracesUrl } from './telemetry/tracing.ts';

export function telemetryOptions(config: TelemetryConfig & ReleaseConfig): TelemetryOptions {
  return {
    build: {
      version: config.RELEASE,
      commit: config.GIT_COMMIT,
      colour: config.DEPLOYMENT_COLOUR,
    },
    tracing: {
      tracesUrl: tracesUrl(
        config.OTEL_EXPORTER_OTLP_ENDPOINT,
        config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
      ),
      protocol: config.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? config.OTEL_EXPORTER_OTLP_PROTOCOL,
      headers: parseHeaders(config.OTEL_EXPORTER_OTLP_HEADERS),
      exportTimeoutMs: config.OTEL_EXPORTER_OTLP_TIMEOUT,
      serviceName: config.OTEL_SERVICE_NAME,
      serviceVersion: config.RELEASE,
      deploymentColour: config.DEPLOYMENT_COLOUR,
      sampler: config.OTEL_TRACES_SAMPLER,
      samplerRatio: config.OTEL_TRACES_SAMPLER_ARG,
      maxQueueSize: config.OTEL_BSP_MAX_QUEUE_SIZE,
      maxExportBatchSize: config.OTEL_BSP_MAX_EXPORT_BATCH_SIZE,
      scheduleDelayMs: config.OTEL_BSP_SCHEDULE_DELAY,
    },
  };
}
