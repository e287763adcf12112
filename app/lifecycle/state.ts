// The process's phase of life. Readiness and the `Connection: close` answer during a drain read
// it; the shutdown sequence moves it forward. It only ever moves forward.
export type LifecycleState = 'starting' | 'ready' | 'draining' | 'stopped';

const order: Record<LifecycleState, number> = { starting: 0, ready: 1, draining: 2, stopped: 3 };

export interface Lifecycle {
  readonly state: LifecycleState;
  /** Moves to `next`; a move backwards is ignored (a late "ready" must not undo a drain). */
  advance(next: LifecycleState): void;
  onChange(listener: (state: LifecycleState) => void): void;
}

export function createLifecycle(): Lifecycle {
  let state: LifecycleState = 'starting';
  const listeners: ((state: LifecycleState) => void)[] = [];
  return {
    get state() {
      return state;
    },
    advance(next) {
      if (order[next] <= order[state]) return;
      state = next;
      for (const listener of listeners) listener(state);
    },
    onChange(listener) {
      listeners.push(listener);
    },
  };
}
