// Who uses which API version, for deciding when a version can go: every API request counts in
// api_version_requests_total by version, how it was chosen (url, header, default) and a bounded
// client name (api-client.ts). Requests for a version's documentation do not count.
// Each use of a deprecated version is also logged, sampled — at most one line per version and
// client per LOG_INTERVAL_MS, saying how many it left out — so a busy old client cannot flood
// the logs, and a rare one is still seen.
import type { Context } from 'hono';
import { CLIENT_NAME_HEADER, clientName } from '../../http/api-client.ts';
import { requestHeader } from '../../http/incoming.ts';
import { routeTemplate } from '../../http/route.ts';
import { labelSets3 } from '../../telemetry/label-sets.ts';
import type { LineLogger } from '../../telemetry/line-logger.ts';
import type { RecordingMetrics } from '../../telemetry/metrics.ts';
import type { Negotiated } from '../negotiation.ts';
import { isDocumentationPath } from '../openapi/documentation-path.ts';
import { type ApiVersion, apiVersions } from '../versions.ts';

const LOG_INTERVAL_MS = 60_000;

declare module 'hono' {
  interface ContextVariableMap {
    /** The request's bounded client name (api-client.ts), once its API version is known. */
    apiClient: string;
  }
}

export interface ApiVersionUsageOptions {
  requests: RecordingMetrics['apiVersionRequests'];
  /** The client names the metric may carry (API_CLIENT_NAMES); anything else is `other`. */
  clientNames: readonly string[];
  logger: LineLogger;
  clock: () => Date;
}

export interface ApiVersionUsage {
  onUse(negotiated: Extract<Negotiated, { ok: true }>, path: string, c: Context): void;
  onDeprecatedUse(version: ApiVersion, path: string, c: Context): void;
}

export function apiVersionUsage(options: ApiVersionUsageOptions): ApiVersionUsage {
  const known = new Set(options.clientNames);
  const client = (c: Context) =>
    clientName(
      known,
      requestHeader(c, CLIENT_NAME_HEADER.toLowerCase()),
      requestHeader(c, 'user-agent'),
    );
  const requestLabels = labelSets3((version, source, client) => ({
    api_version: version,
    api_version_source: source,
    api_client: client,
  }));
  // Keyed by version and client name: both bounded, so this map is too.
  const sampling = new Map<string, { loggedAt: number; suppressed: number }>();

  return {
    onUse(negotiated, path, c) {
      if (isDocumentationPath(path)) return;
      const name = client(c);
      // Kept for onDeprecatedUse, which comes after the answer on the same request.
      c.set('apiClient', name);
      options.requests.inc(requestLabels(negotiated.version, negotiated.source, name));
    },
    onDeprecatedUse(version, path, c) {
      if (isDocumentationPath(path)) return;
      const name = c.get('apiClient') ?? client(c);
      const key = `${version.id}:${name}`;
      const now = options.clock().getTime();
      const seen = sampling.get(key);
      if (seen && now - seen.loggedAt < LOG_INTERVAL_MS) {
        seen.suppressed++;
        return;
      }
      sampling.set(key, { loggedAt: now, suppressed: 0 });
      (c.get('logger') ?? options.logger).info(
        {
          api_version: version.id,
          api_client: name,
          http_route: routeTemplate(c),
          sunset: version.sunsetAt?.toISOString(),
          successor: version.successor,
          suppressed: seen?.suppressed ?? 0,
        },
        `deprecated API version ${version.id} used`,
      );
    },
  };
}

/** api_version_sunset_timestamp_seconds for every version with a sunset date (the alert's clock). */
export function publishSunsetDates(gauge: RecordingMetrics['apiVersionSunset']): void {
  for (const version of apiVersions) {
    if (version.sunsetAt) gauge.set({ api_version: version.id }, version.sunsetAt.getTime() / 1000);
  }
}
