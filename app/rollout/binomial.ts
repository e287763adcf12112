// How surprising a count of bad events is: the chance that a colour whose true bad-event ratio
// is `p` shows at least `k` bad events in `n` requests, P(X ≥ k) for X ~ Binomial(n, p).
// The canary analysis fails a canary only when its bad events are that unlikely under the
// highest ratio it is allowed, so a handful of requests cannot fail (or pass) it by chance.

/** P(X ≥ k) for X ~ Binomial(n, p); 1 when k is at or below the expected count n·p. */
export function binomialUpperTail(n: number, p: number, k: number): number {
  // At or below the expected count the tail holds about half the mass or more: no evidence.
  if (k <= n * p) return 1;
  if (k > n || p <= 0) return 0;
  // The first term, P(X = k), in log space: (1 - p)^(n - k) alone underflows for large n.
  let logTerm = k * Math.log(p) + (n - k) * Math.log1p(-p);
  for (let j = 1; j <= k; j++) logTerm += Math.log((n - k + j) / j);
  // Past the mean the terms only shrink: add them until they no longer change the sum.
  let term = Math.exp(logTerm);
  let sum = 0;
  for (let i = k; i <= n && term > sum * 1e-12; i++) {
    sum += term;
    term *= ((n - i) / (i + 1)) * (p / (1 - p));
  }
  return Math.min(1, sum);
}
