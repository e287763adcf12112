// squawk (npm squawk-cli), the second opinion. It is fed exactly what PostgreSQL will run: the
// runner's own timeout settings first (SET LOCAL inside the file's transaction, or session-level
// SET for no-transaction files), then the file, so its timeout rules are on and satisfied for
// the right reason, and --assume-in-transaction where the runner opens one.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { runProcess } from '../../../run-process.ts';
import type { MigrationHeader } from '../header.ts';

/**
 * squawk's native binary from the platform package that squawk-cli installs, so each run skips
 * the Node wrapper in node_modules/.bin (a third of a second per file); the wrapper when the
 * layout differs; undefined when squawk-cli is not installed (production images).
 */
export function findSquawk(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const binary = process.platform === 'win32' ? 'squawk.exe' : 'squawk';
    return require.resolve(`@squawk-cli/${process.platform}-${process.arch}/bin/${binary}`);
  } catch {
    const wrapper = resolve(import.meta.dirname, '../../../../node_modules/.bin/squawk');
    return existsSync(wrapper) ? wrapper : undefined;
  }
}

interface SquawkFinding {
  /** 1-based line in the migration file. */
  line: number;
  rule: string;
  message: string;
  help: string | undefined;
}

export interface SquawkSettings {
  lockTimeoutMs: number;
  statementTimeoutMs: number;
}

/** The oldest PostgreSQL the project supports (CI's Debian 12 server). */
const PG_VERSION = '15';

export type SquawkRunner = (
  file: string,
  text: string,
  header: MigrationHeader,
) => Promise<SquawkFinding[]>;

export function squawkRunner(binary: string, settings: SquawkSettings): SquawkRunner {
  return async (file, text, header) => {
    const local = header.transaction ? 'LOCAL ' : '';
    // One line, so squawk's 0-based line numbers are the file's 1-based ones.
    const prelude = `SET ${local}lock_timeout = '${settings.lockTimeoutMs}ms'; SET ${local}statement_timeout = '${settings.statementTimeoutMs}ms';`;
    const args = ['--reporter', 'json', '--pg-version', PG_VERSION, '--stdin-filepath', file];
    if (header.transaction) args.push('--assume-in-transaction');
    const { code, stdout, stderr } = await runProcess(binary, args, {
      input: `${prelude}\n${text}`,
    });
    // 0: nothing found, 1: findings; anything else is squawk failing.
    if (code !== 0 && code !== 1) throw new Error(`squawk exited ${code} on ${file}: ${stderr}`);
    const raw = JSON.parse(stdout || '[]') as {
      line: number;
      rule_name: string;
      message: string;
      help: string | null;
    }[];
    return raw.map((finding) => ({
      line: Math.max(1, finding.line),
      rule: finding.rule_name,
      message: finding.message,
      help: finding.help ?? undefined,
    }));
  };
}
