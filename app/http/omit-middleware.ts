// Builds an app without some of its global middleware, named by their functions' names: the
// way bench/middleware-cost.ts measures what each one costs, by turning it off alone.
// Production never omits anything.
import type { Hono } from 'hono';

export function omitMiddleware(app: Hono, names: readonly string[]): { check(): void } {
  const wanted = new Set(names);
  const omitted = new Set<string>();
  const use = app.use.bind(app) as (...args: unknown[]) => Hono;
  app.use = ((...args: unknown[]) => {
    const kept = args.filter((arg) => {
      if (typeof arg !== 'function' || !wanted.has(arg.name)) return true;
      omitted.add(arg.name);
      return false;
    });
    // `app.use()` with only a path left would register nothing; skip it altogether.
    return kept.some((arg) => typeof arg === 'function') ? use(...kept) : app;
  }) as Hono['use'];
  return {
    check() {
      const unknown = [...wanted].filter((name) => !omitted.has(name));
      if (unknown.length > 0) throw new Error(`no middleware named ${unknown.join(', ')}`);
    },
  };
}
