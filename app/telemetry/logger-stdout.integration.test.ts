// The logger's real destination: stdout of a real process, read through a pipe as a container
// runtime reads it. Lines are written in chunks; these tests prove none waits for a chunk that
// never fills and none is lost when the process ends.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';

const LOGGER = new URL('./logger.ts', import.meta.url).href;

/** A process that logs with `createLogger` (stdout), running `body` with `logger` in scope. */
function logFrom(body: string): ChildProcessWithoutNullStreams {
  const script = `import { createLogger } from ${JSON.stringify(LOGGER)};
const logger = createLogger({ level: 'info' });
${body}`;
  return spawn(process.execPath, ['--input-type=module', '-e', script]);
}

async function linesOf(child: ChildProcessWithoutNullStreams): Promise<{ msg: string }[]> {
  const lines: { msg: string }[] = [];
  for await (const line of createInterface({ input: child.stdout })) lines.push(JSON.parse(line));
  return lines;
}

describe('log lines on stdout', () => {
  it('reach the reader while the process idles, although the chunk never filled', async () => {
    // The child logs one short line, then waits on stdin for the test to have read it.
    const child = logFrom(`logger.info('alone');
process.stdin.once('data', () => process.exit(0));`);
    const reader = createInterface({ input: child.stdout });
    const [line] = (await once(reader, 'line')) as [string];
    expect(JSON.parse(line)).toMatchObject({ msg: 'alone', level: 'info' });
    child.stdin.end('done\n');
    expect((await once(child, 'exit'))[0]).toBe(0);
  });

  it('are all written when the process exits straight after logging them', async () => {
    const child = logFrom(`for (let i = 0; i < 3; i++) logger.info('line ' + i);
process.exit(0);`);
    expect((await linesOf(child)).map((line) => line.msg)).toEqual(['line 0', 'line 1', 'line 2']);
  });

  it('are all written, whole and in order, by a process that crashes', async () => {
    const child = logFrom(`for (let i = 0; i < 2000; i++) logger.info('line ' + i);
throw new Error('crash');`);
    const lines = await linesOf(child);
    expect(lines).toHaveLength(2000);
    expect(lines.every((line, index) => line.msg === `line ${index}`)).toBe(true);
  });
});
