// The catalog's metrics as recorders that keep nothing, for the edge tier: prom-client needs
// Node, and the origin counts every request the edge forwards anyway. What the edge answers
// itself (negotiation errors, docs, problem pages) shows in the edge's access log lines.

import type { RecordingMetrics } from './metrics.ts';
import { type AppMetricKey, appMetrics } from './metrics-catalog.ts';

const ignore = () => {};
const recorder = { inc: ignore, dec: ignore, set: ignore, observe: ignore };

export function createRecordingMetrics(): RecordingMetrics {
  return Object.fromEntries(
    (Object.keys(appMetrics) as AppMetricKey[]).map((key) => [key, recorder]),
  ) as unknown as RecordingMetrics;
}
