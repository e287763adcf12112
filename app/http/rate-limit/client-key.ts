// Who a request counts against: an API key when the client sends one (hashed, so keys never sit
// in Redis or logs), otherwise the client's address. Behind proxies the socket address is the
// proxy's — everyone would share one bucket — so with TRUST_PROXY_HOPS=n the address is taken
// from X-Forwarded-For, n entries from the right: those are the ones our own proxies appended.
// Entries further left are whatever the client claimed and are never trusted.
export const API_KEY_HEADER = 'X-API-Key';

export interface ClientKeyInput {
  apiKey: string | undefined;
  forwardedFor: string | undefined;
  socketAddress: string | undefined;
  trustedProxyHops: number;
}

export function clientAddress(input: Omit<ClientKeyInput, 'apiKey'>): string {
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

/** Web Crypto, not node:crypto: the edge runtimes (app/edge.ts) run this middleware too. */
export async function clientKey(input: ClientKeyInput): Promise<string> {
  if (!input.apiKey) return `ip:${clientAddress(input)}`;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(input.apiKey));
  const base64 = btoa(String.fromCharCode(...new Uint8Array(digest)));
  // base64url, as before: 22 characters are 132 bits of the hash, plenty for a bucket name.
  return `key:${base64.replaceAll('+', '-').replaceAll('/', '_').slice(0, 22)}`;
}
