// The flag source's states and what moves it from one to the next, as one table per mode.
//
// offline: the flags file is the truth; bootstrap: online, nothing from Unleash yet; synced: the
// last fetch succeeded; failing: Unleash does not answer, or the file cannot be read (last known
// flags served); unauthorized: Unleash refuses the token.

export type SourceState = 'offline' | 'bootstrap' | 'synced' | 'failing' | 'unauthorized';

/**
 * synced: a fetch (online) or a read of the file (offline) succeeded; failed: one did not, for a
 * reason other than the token; refused: Unleash answered 401/403; accepted: the token probe got
 * through again (the next sync tells whether Unleash serves flags).
 */
export type SourceEvent = 'synced' | 'failed' | 'refused' | 'accepted';

type Table = Partial<Record<SourceState, Record<SourceEvent, SourceState>>>;

const ONLINE: Table = {
  bootstrap: {
    synced: 'synced',
    failed: 'failing',
    refused: 'unauthorized',
    accepted: 'bootstrap',
  },
  synced: { synced: 'synced', failed: 'failing', refused: 'unauthorized', accepted: 'synced' },
  failing: { synced: 'synced', failed: 'failing', refused: 'unauthorized', accepted: 'failing' },
  // A refused client stays refused whatever else fails, until the token is accepted.
  unauthorized: {
    synced: 'synced',
    failed: 'unauthorized',
    refused: 'unauthorized',
    accepted: 'failing',
  },
};

// Offline there is no Unleash to refuse or accept a token.
const OFFLINE: Table = {
  offline: { synced: 'offline', failed: 'failing', refused: 'offline', accepted: 'offline' },
  failing: { synced: 'offline', failed: 'failing', refused: 'failing', accepted: 'failing' },
};

export function initialState(online: boolean): SourceState {
  return online ? 'bootstrap' : 'offline';
}

export function nextState(online: boolean, state: SourceState, event: SourceEvent): SourceState {
  const next = (online ? ONLINE : OFFLINE)[state]?.[event];
  if (!next) throw new Error(`flag source: no ${state} state ${online ? 'online' : 'offline'}`);
  return next;
}
