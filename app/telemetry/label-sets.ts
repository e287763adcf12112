// Metric label sets made once and reused: the request path records the same few combinations
// (method, route, status) over and over, so each is built on first use and looked up after,
// through nested maps (no key string is built per lookup). Bounded per level: every label here
// is bounded already (methods, route templates, status codes), the cap only guards a bug.

const MAX_PER_LEVEL = 1_000;

type Level<T> = Map<string, T>;

function at<T>(level: Level<T>, key: string, make: () => T): T {
  let found = level.get(key);
  if (found === undefined) {
    found = make();
    if (level.size < MAX_PER_LEVEL) level.set(key, found);
  }
  return found;
}

/** `labels(a, b, c)` returns the same object for the same three values. */
export function labelSets3<L>(make: (a: string, b: string, c: string) => L) {
  const root: Level<Level<Level<L>>> = new Map();
  return (a: string, b: string, c: string): L =>
    at(
      at(
        at(root, a, () => new Map()),
        b,
        () => new Map(),
      ),
      c,
      () => make(a, b, c),
    );
}
