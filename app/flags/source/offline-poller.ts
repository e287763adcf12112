// Offline, the flags file is the whole truth. It is read again every refresh interval, so an
// edited file (or a remounted ConfigMap) takes effect without a restart.
import type { ClientFeaturesResponse } from 'unleash-client';
import { readDefinitions } from '../definitions.ts';
import { type Repeating, repeat } from './repeat.ts';

export interface FilePollerHandlers {
  /** The file holds other definitions than last time. */
  changed(definitions: ClientFeaturesResponse): Promise<void>;
  /** A read succeeded (changed or not): the offline sync. */
  read(): void;
  /** A read failed: the last known flags stay in use. */
  failed(message: string): void;
  /** The handlers themselves failed. */
  error(error: unknown): void;
}

export function pollFlagsFile(
  file: string | URL,
  initial: ClientFeaturesResponse,
  intervalMs: number,
  handlers: FilePollerHandlers,
): Repeating {
  let lastText = JSON.stringify(initial);
  return repeat(
    intervalMs,
    async () => {
      let next: ClientFeaturesResponse;
      try {
        next = await readDefinitions(file);
      } catch (error) {
        handlers.failed((error as Error).message);
        return;
      }
      const text = JSON.stringify(next);
      if (text !== lastText) {
        lastText = text;
        await handlers.changed(next);
      }
      handlers.read();
    },
    handlers.error,
  );
}
