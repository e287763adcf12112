// The Node.js runtime of each pod: event loop, heap, GC, handles, CPU and memory, and the export
// of its trace spans.
import { APP, dashboard, RATE, row, timeseries } from './panels.ts';
import { dashboardUids } from './uids.ts';

export const runtimeDashboard = dashboard(
  dashboardUids.runtime,
  'myapp / Node.js runtime',
  'Event-loop lag, V8 heap against its limit, garbage collection, handles, CPU and memory per pod, and its trace spans exported or dropped.',
  [
    row('Event loop'),
    timeseries('Event-loop lag p99', 's', [
      { expr: `nodejs_eventloop_lag_p99_seconds{${APP}}`, legend: '{{instance}}' },
    ]),
    timeseries('Event-loop lag p50', 's', [
      { expr: `nodejs_eventloop_lag_p50_seconds{${APP}}`, legend: '{{instance}}' },
    ]),
    row('Memory'),
    timeseries('Heap used / limit', 'percentunit', [
      {
        expr: `nodejs_heap_size_used_bytes{${APP}} / nodejs_heap_size_limit_bytes{${APP}}`,
        legend: '{{instance}}',
      },
    ]),
    timeseries('Resident memory', 'bytes', [
      { expr: `process_resident_memory_bytes{${APP}}`, legend: '{{instance}}' },
    ]),
    row('Garbage collection and CPU'),
    timeseries('GC time by kind', 'percentunit', [
      {
        expr: `sum by (instance, kind) (rate(nodejs_gc_duration_seconds_sum{${APP}}[${RATE}]))`,
        legend: '{{instance}} {{kind}}',
      },
    ]),
    timeseries('CPU', 'percentunit', [
      { expr: `rate(process_cpu_seconds_total{${APP}}[${RATE}])`, legend: '{{instance}}' },
    ]),
    row('Handles'),
    timeseries('Active handles and requests', 'short', [
      { expr: `nodejs_active_handles{${APP}}`, legend: '{{instance}} handles {{type}}' },
      { expr: `process_open_fds{${APP}}`, legend: '{{instance}} open fds' },
    ]),
    timeseries('Lifecycle state', 'short', [
      { expr: `sum by (state) (lifecycle_state{${APP}})`, legend: '{{state}}' },
    ]),
    row('Trace export'),
    timeseries('Spans exported and dropped', 'cps', [
      {
        expr: `sum by (instance) (rate(otel_sdk_spans_exported_total{${APP}}[${RATE}]))`,
        legend: '{{instance}} exported',
      },
      {
        expr: `sum by (instance, reason) (rate(otel_sdk_spans_dropped_total{${APP}}[${RATE}]))`,
        legend: '{{instance}} dropped: {{reason}}',
      },
    ]),
  ],
);
