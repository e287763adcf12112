// Small helpers over libpg-query's parse trees.
import type { Node } from 'libpg-query';

export function strings(nodes: Node[] | undefined): string[] {
  return (nodes ?? []).flatMap((node) => ('String' in node ? [node.String.sval ?? ''] : []));
}

/** Every object in a parse tree, depth first: for FuncCall and ParamRef searches. */
function* walk(value: unknown): Generator<Record<string, unknown>> {
  if (Array.isArray(value)) {
    for (const item of value) yield* walk(item);
  } else if (value && typeof value === 'object') {
    yield value as Record<string, unknown>;
    for (const child of Object.values(value)) yield* walk(child);
  }
}

/** Names of the functions called anywhere in `tree`. */
export function calledFunctions(tree: unknown): string[] {
  const names: string[] = [];
  for (const object of walk(tree)) {
    const call = object.FuncCall as { funcname?: Node[] } | undefined;
    const name = call ? strings(call.funcname).at(-1) : undefined;
    if (name) names.push(name.toLowerCase());
  }
  return names;
}

/** Numbers of the `$n` parameters used anywhere in `tree`. */
export function parameterNumbers(tree: unknown): Set<number> {
  const numbers = new Set<number>();
  for (const object of walk(tree)) {
    const param = object.ParamRef as { number?: number } | undefined;
    if (param?.number !== undefined) numbers.add(param.number);
  }
  return numbers;
}
