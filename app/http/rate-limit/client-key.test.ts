import { describe, expect, it } from 'vitest';
import { clientAddress } from './client-key.ts';

describe('clientAddress', () => {
  it('uses the socket address when no proxy is trusted, whatever the client forwards', () => {
    expect(
      clientAddress({
        forwardedFor: '203.0.113.7',
        socketAddress: '198.51.100.1',
        trustedProxyHops: 0,
      }),
    ).toBe('198.51.100.1');
  });

  it('takes the entry our own proxies appended, n from the right', () => {
    const forwardedFor = 'spoofed-by-client, 203.0.113.7, 10.0.0.2';
    expect(clientAddress({ forwardedFor, socketAddress: '10.0.0.3', trustedProxyHops: 1 })).toBe(
      '10.0.0.2',
    );
    expect(clientAddress({ forwardedFor, socketAddress: '10.0.0.3', trustedProxyHops: 2 })).toBe(
      '203.0.113.7',
    );
  });

  it('takes the leftmost entry when there are fewer than the trusted hops', () => {
    expect(
      clientAddress({
        forwardedFor: '203.0.113.7',
        socketAddress: '10.0.0.3',
        trustedProxyHops: 3,
      }),
    ).toBe('203.0.113.7');
  });

  it('skips empty entries and spaces', () => {
    expect(
      clientAddress({
        forwardedFor: ' , 203.0.113.7 ,, ',
        socketAddress: '10.0.0.3',
        trustedProxyHops: 1,
      }),
    ).toBe('203.0.113.7');
  });

  it('falls back to the socket, then to one shared "unknown" bucket', () => {
    expect(
      clientAddress({ forwardedFor: '', socketAddress: '10.0.0.3', trustedProxyHops: 1 }),
    ).toBe('10.0.0.3');
    expect(
      clientAddress({ forwardedFor: undefined, socketAddress: undefined, trustedProxyHops: 1 }),
    ).toBe('unknown');
  });
});
