// Who a request counts against: an API key when the client sends one (hashed, so keys never sit
// in Redis or logs), otherwise the client's address. Behind proxies the socket address is the
// proxy's — everyone would share one bucket — so with TRUST_PROXY_HOPS=n the address is taken
// from X-Forwarded-For, n entries from the right: those are the ones our own proxies appended.
// Entries further left are whatever the client claimed and are never trusted.
import { createHash } from 'node:crypto';

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

export function clientKey(input: ClientKeyInput): string {
  if (input.apiKey)
    return `key:${createHash('sha256').update(input.apiKey).digest('base64url').slice(0, 22)}`;
  return `ip:${clientAddress(input)}`;
}
