// Work every interval, one run at a time (the next is scheduled when one ends), never keeping the
// process alive; a failed run is reported and the next one still comes.

export interface Repeating {
  stop(): void;
}

export function repeat(
  intervalMs: number,
  work: () => Promise<void>,
  onError: (error: unknown) => void,
): Repeating {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = () => {
    timer = setTimeout(async () => {
      await work().catch(onError);
      if (!stopped) tick();
    }, intervalMs);
    timer.unref();
  };
  tick();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
