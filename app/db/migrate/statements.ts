// SQL split into statements by PostgreSQL's own parser (libpg-query, the server's grammar
// compiled to WebAssembly), not by looking for semicolons, which also occur inside strings,
// comments and function bodies. The runner needs it for no-transaction files, the linter for
// everything.
import type { Node } from 'libpg-query';

export interface Statement {
  /** The statement's text as written, without the terminating semicolon. */
  readonly text: string;
  /** Its parse tree: one key naming the statement type, e.g. `{ IndexStmt: {...} }`. */
  readonly node: Node;
  /** 1-based line of its first token in the file. */
  readonly line: number;
  /**
   * The file's text from the end of the previous statement up to this one's end: the comments
   * written above it (acknowledgements) are in here.
   */
  readonly leading: string;
}

export class SqlSyntaxError extends Error {
  override name = 'SqlSyntaxError';
  /** 1-based line of the error, when the parser says where. */
  readonly line: number | undefined;
  constructor(message: string, line: number | undefined) {
    super(message);
    this.line = line;
  }
}

type Parser = typeof import('libpg-query');
let loaded: Promise<Parser> | undefined;

/**
 * Loads the parser once per process, on first use: importing libpg-query instantiates its
 * WebAssembly (1.7 MB of code, some 10 MB resident), which an API process that only checks
 * which migrations exist never needs.
 */
function parser(): Promise<Parser> {
  loaded ??= import('libpg-query').then(async (module) => {
    await module.loadModule();
    return module;
  });
  return loaded;
}

const LEADING_NOISE = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/;

/** The 1-based line on which the text after `before` starts. */
function lineOf(before: string): number {
  let line = 1;
  for (let i = 0; i < before.length; i++) if (before.charCodeAt(i) === 10) line++;
  return line;
}

/** The statements of `sql`, in order. Throws SqlSyntaxError when PostgreSQL would not parse it. */
export async function parseStatements(sql: string): Promise<Statement[]> {
  const { parseSync } = await parser();
  // The parser counts bytes, not UTF-16 code units.
  const bytes = Buffer.from(sql);
  const textUpTo = (byte: number) => bytes.subarray(0, byte).toString('utf8');
  let tree: ReturnType<typeof parseSync>;
  try {
    tree = parseSync(sql);
  } catch (error) {
    const position = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails
      ?.cursorPosition;
    const line = typeof position === 'number' ? lineOf(textUpTo(position)) : undefined;
    throw new SqlSyntaxError((error as Error).message, line);
  }
  const statements: Statement[] = [];
  let previousEnd = 0;
  for (const raw of tree.stmts ?? []) {
    const start = raw.stmt_location ?? 0;
    // 0 means "to the end of the input" (a last statement without a semicolon).
    const end = raw.stmt_len ? start + raw.stmt_len : bytes.length;
    if (!raw.stmt) {
      previousEnd = end;
      continue;
    }
    const chunk = bytes.subarray(start, end).toString('utf8');
    const noise = LEADING_NOISE.exec(chunk)?.[0].length ?? 0;
    statements.push({
      text: chunk.slice(noise).trimEnd(),
      node: raw.stmt,
      line: lineOf(textUpTo(start) + chunk.slice(0, noise)),
      leading: bytes.subarray(previousEnd, end).toString('utf8'),
    });
    previousEnd = end;
  }
  return statements;
}

/**
 * For `CREATE INDEX CONCURRENTLY name ON table`: the index name and its table as written. A
 * failed concurrent build leaves an invalid index of that name behind, which must go before a
 * retry, or `IF NOT EXISTS` would skip the build and keep the broken index.
 */
export function concurrentIndexBuild(
  node: Node,
): { index: string; table: string; schema: string | undefined } | undefined {
  if (!('IndexStmt' in node)) return undefined;
  const statement = node.IndexStmt;
  const table = statement.relation?.relname;
  if (!statement.concurrent || !statement.idxname || !table) return undefined;
  return { index: statement.idxname, table, schema: statement.relation?.schemaname };
}
