// A 401/403 stops the SDK's polling for good (unleash-node-sdk#390). The probe asks Unleash with
// the token every refresh interval instead — each refusal is a counted failure, so the alert
// keeps firing — until the token is accepted.
import type { FetchFailure } from '../fetch-failures.ts';

export type ProbeOutcome = { accepted: true } | { accepted: false; failure: FetchFailure };

export async function probeToken(
  url: string,
  token: string,
  timeoutMs: number,
): Promise<ProbeOutcome> {
  const response = await fetch(new URL('client/features', url.endsWith('/') ? url : `${url}/`), {
    headers: { Authorization: token },
    signal: AbortSignal.timeout(timeoutMs),
  }).catch((error: unknown) => error as Error);
  if (response instanceof Error)
    return {
      accepted: false,
      failure: { errorType: 'unavailable', status: undefined, message: response.message },
    };
  await response.body?.cancel();
  if (response.status === 401 || response.status === 403)
    return {
      accepted: false,
      failure: {
        errorType: 'unauthorized',
        status: response.status,
        message: `${url} responded ${response.status}`,
      },
    };
  return { accepted: true };
}
