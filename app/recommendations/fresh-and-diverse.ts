// The new algorithm: what is new to this user, spread across categories. Deterministic: the
// same user and catalogue always give the same list (no clock, no randomness), so a user who
// lands in the rollout sees a stable page.
//
// 1. Score = popularity × freshness, where freshness is 2 for products released after the user
//    signed up ("new to you") and 1 / (1 + years between release and signup) for older ones.
// 2. Pick by score, at most one product per category, then fill the rest by score: a page of
//    bestsellers from one category is what the classic algorithm already shows.
// 3. Equal scores are ordered by a hash of (user, SKU): different users see different mixes.
import type { Candidate, Product } from './model.ts';

const DAY_MS = 86_400_000;

export interface Shopper {
  id: number;
  createdAt: Date;
}

function freshness(releasedOn: string, signedUp: Date): number {
  const released = Date.parse(`${releasedOn}T00:00:00Z`);
  if (Number.isNaN(released)) throw new Error(`product release date "${releasedOn}" is not a date`);
  const years = (signedUp.getTime() - released) / (365 * DAY_MS);
  return years <= 0 ? 2 : 1 / (1 + years);
}

/** FNV-1a, 32 bits: a stable, cheap tie-breaker (not security). */
function tieBreak(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export function freshAndDiverse(
  candidates: readonly Candidate[],
  user: Shopper,
  limit: number,
): Product[] {
  const ranked = candidates
    .map((candidate) => ({
      candidate,
      score: candidate.popularity * freshness(candidate.releasedOn, user.createdAt),
      tie: tieBreak(`${user.id}:${candidate.sku}`),
    }))
    .sort(
      (a, b) =>
        b.score - a.score || a.tie - b.tie || a.candidate.sku.localeCompare(b.candidate.sku),
    );
  const picked: Candidate[] = [];
  const categories = new Set<string>();
  for (const { candidate } of ranked) {
    if (picked.length === limit) break;
    if (categories.has(candidate.category)) continue;
    categories.add(candidate.category);
    picked.push(candidate);
  }
  for (const { candidate } of ranked) {
    if (picked.length === limit) break;
    if (!picked.includes(candidate)) picked.push(candidate);
  }
  return picked.map(({ releasedOn: _releasedOn, ...product }) => product);
}
