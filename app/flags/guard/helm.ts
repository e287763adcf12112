// How the guard runs helm: a command runner it is given, so tests hand it a fake one and
// production the real binary. Arguments go to execFile as a list (no shell), and every call has
// a time limit, so a hung API server cannot hold the webhook forever.
import { execFile } from 'node:child_process';

/** Runs `helm <args>`; resolves with stdout, rejects with an Error carrying stderr. */
export type HelmRunner = (args: readonly string[]) => Promise<string>;

export function helmRunner(binary = 'helm', timeoutMs = 120_000): HelmRunner {
  return (args) =>
    new Promise((resolve, reject) => {
      execFile(
        binary,
        [...args],
        { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
        (error, stdout, stderr) => {
          if (error) reject(new Error(`helm ${args[0]} failed: ${stderr.trim() || error.message}`));
          else resolve(stdout);
        },
      );
    });
}
