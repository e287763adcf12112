// The guard's one decision: from the current rollout, the next lower step, or off.

/** `steps` 50,25,10: 100 → 50 → 25 → 10 → off; 30 → 25; 10 → off. */
export function nextRollout(current: number, steps: readonly number[]): number | 'off' {
  const lower = steps.filter((step) => step < current);
  return lower.length === 0 ? 'off' : Math.max(...lower);
}
