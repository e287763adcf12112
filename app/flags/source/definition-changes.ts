// Which flags changed definition (on/off, strategies, variants…) between two syncs: someone
// changed them in Unleash, or in the flags file. The first sync is the baseline, not a change.

export function definitionChanges(onChange: (names: string[]) => void) {
  /** Each flag's definition as last synced, as text: what a change is measured against. */
  let last: Map<string, string> | undefined;
  return (definitions: readonly { name: string }[]) => {
    const current = new Map(definitions.map((flag) => [flag.name, JSON.stringify(flag)]));
    const previous = last;
    last = current;
    if (!previous) return;
    const changed = [...new Set([...previous.keys(), ...current.keys()])].filter(
      (name) => previous.get(name) !== current.get(name),
    );
    if (changed.length > 0) onChange(changed.sort());
  };
}
