// Who a request counts against: the client's address, and nothing the client merely claims.
// A header such as X-API-Key is not an identity here: the API issues no keys and checks none, so
// a client choosing its own bucket by sending a fresh value would escape its limit at will.
// Behind proxies the socket address is the proxy's — everyone would share one bucket — so with
// TRUST_PROXY_HOPS=n the address is taken from X-Forwarded-For, n entries from the right: those
// are the ones our own proxies appended. Entries further left are whatever the client claimed
// and are never trusted.

export interface ClientAddressInput {
  forwardedFor: string | undefined;
  socketAddress: string | undefined;
  trustedProxyHops: number;
}

export function clientAddress(input: ClientAddressInput): string {
  if (input.trustedProxyHops > 0 && input.forwardedFor) {
    const hops = input.forwardedFor
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    const client = hops[hops.length - input.trustedProxyHops];
    if (client) return client;
    // Fewer entries than trusted hops: the first one is as close to the client as we can get.
    if (hops[0]) return hops[0];
  }
  return input.socketAddress ?? 'unknown';
}
