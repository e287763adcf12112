// Which of the SDK's `error` and `warn` events are failed fetches of flag definitions, and of
// what kind. The SDK reports them only as messages (unleash-client 6.x, pinned by the tests
// against a real Unleash); posting usage metrics fails separately and is not a fetch failure.

/** `error_type` of feature_flag_client_errors_total: a bounded set. */
type FetchErrorType = 'unauthorized' | 'unavailable' | 'other';

export interface FetchFailure {
  errorType: FetchErrorType;
  /** The HTTP status, when Unleash answered. */
  status: number | undefined;
  message: string;
}

const REPOSITORY_PREFIX = 'Unleash Repository error: ';
/** The polling fetcher's warnings for 404, 429 and 5xx, which it retries with backoff. */
const BACKING_OFF = /responded (?:\w+ \()?(\d{3})\)?\. Backing off/;
const REFUSED_TOKEN = /responded (401|403) /;
const OTHER_STATUS = /not statusCode 2XX, but was (\d{3})/;

export function fetchFailure(kind: 'error' | 'warn', payload: unknown): FetchFailure | undefined {
  if (kind === 'warn') {
    if (typeof payload !== 'string') return undefined;
    const backoff = BACKING_OFF.exec(payload);
    if (backoff) return { errorType: 'unavailable', status: Number(backoff[1]), message: payload };
    if (payload.startsWith('Socket keep alive error'))
      return { errorType: 'unavailable', status: undefined, message: payload };
    return undefined;
  }
  if (!(payload instanceof Error) || !payload.message.startsWith(REPOSITORY_PREFIX))
    return undefined;
  const message = payload.message.slice(REPOSITORY_PREFIX.length);
  const refused = REFUSED_TOKEN.exec(message);
  if (refused) return { errorType: 'unauthorized', status: Number(refused[1]), message };
  const other = OTHER_STATUS.exec(message);
  if (other) return { errorType: 'other', status: Number(other[1]), message };
  // Network failures (refused, reset, DNS, timeouts) carry a system error code.
  const code = (payload as { code?: unknown }).code;
  if (typeof code === 'string' || /timeout|timed out/i.test(message))
    return { errorType: 'unavailable', status: undefined, message };
  return { errorType: 'other', status: undefined, message };
}
