// Collects a child process's stdout as JSON log lines, as they arrive (lines that are not JSON
// are kept as { raw }).
import type { Readable } from 'node:stream';

export function collectJsonLines(
  stream: Readable | null,
  onChunk?: (chunk: string) => void,
): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  let pending = '';
  stream?.setEncoding('utf8').on('data', (chunk: string) => {
    onChunk?.(chunk);
    pending += chunk;
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const line of complete) {
      try {
        lines.push(JSON.parse(line));
      } catch {
        lines.push({ raw: line });
      }
    }
  });
  return lines;
}
