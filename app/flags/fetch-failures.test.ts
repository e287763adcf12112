// The SDK's messages for failed fetches, as unleash-client 6.x words them (the real-server test
// in test/flags/ checks the unauthorized one end to end).
import { describe, expect, it } from 'vitest';
import { fetchFailure } from './fetch-failures.ts';

const repositoryError = (message: string, code?: string) =>
  Object.assign(new Error(`Unleash Repository error: ${message}`), code ? { code } : {});

describe('fetchFailure', () => {
  it('reads a refused token (which stops the SDK polling) as unauthorized', () => {
    const message =
      'http://u/api/client/features responded 401 which means your API key is not allowed to connect. Stopping refresh of toggles';
    expect(fetchFailure('error', repositoryError(message))).toEqual({
      errorType: 'unauthorized',
      status: 401,
      message,
    });
    expect(fetchFailure('error', repositoryError(message.replace('401', '403')))?.status).toBe(403);
  });

  it('reads network errors, 5xx, 404 and 429 as unavailable', () => {
    expect(
      fetchFailure('error', repositoryError('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED')),
    ).toMatchObject({ errorType: 'unavailable', status: undefined });
    expect(
      fetchFailure('warn', 'http://u/api/client/features responded 503. Backing off'),
    ).toMatchObject({ errorType: 'unavailable', status: 503 });
    expect(
      fetchFailure(
        'warn',
        'http://u/api/client/features responded TOO_MANY_CONNECTIONS (429). Backing off',
      ),
    ).toMatchObject({ errorType: 'unavailable', status: 429 });
    expect(
      fetchFailure(
        'warn',
        'http://u/api/client/features responded FILE_NOT_FOUND (404). Backing off',
      ),
    ).toMatchObject({ errorType: 'unavailable', status: 404 });
  });

  it('reads other statuses and bad bodies as other', () => {
    expect(
      fetchFailure('error', repositoryError('Response was not statusCode 2XX, but was 418')),
    ).toMatchObject({ errorType: 'other', status: 418 });
    expect(fetchFailure('error', repositoryError('Unexpected token < in JSON'))).toMatchObject({
      errorType: 'other',
    });
  });

  it('ignores what is not a fetch of flag definitions', () => {
    expect(fetchFailure('error', new Error('Unleash Metrics error: boom'))).toBeUndefined();
    expect(
      fetchFailure('warn', 'http://u/api/client/metrics returning 404, stopping metrics'),
    ).toBeUndefined();
    expect(fetchFailure('warn', 'Missing strategy "custom" for toggle "x"')).toBeUndefined();
  });
});
