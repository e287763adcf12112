// Chart cases that a real cluster would fail TODAY, and why. The rehearsal's tests assert that
// the model detects each of these (so the model is proved to see the defect); once the chart is
// fixed, delete the entry and the same case must pass. An entry that no longer fails is reported
// as an error too, so this list cannot go stale.
export const EXPECTED_FAILURES: Readonly<Record<string, RegExp>> = {
  // The expand and backfill Jobs are pre-install hooks that run as the chart's ServiceAccount,
  // which Helm creates only with the release's objects, after the pre-install hooks.
  'first install with an external database': /serviceaccount "myapp" not found/,
  // Helm 4 applies server-side; once the HPA scaled green it owns spec.replicas, and the retire
  // step renders `replicas: 0` on it.
  'blue-green retire with an HPA that scaled':
    /conflict with "kube-controller-manager".*\.spec\.replicas/,
  // Turning autoscaling on stops Helm applying spec.replicas, which it owned alone: the field is
  // removed and the Deployment drops to 1 pod until the HPA acts.
  'autoscaling turned on for a live release': /spec\.replicas dropped from 2 to 1/,
  // The chart sets no TRUST_PROXY_HOPS: behind the ingress every anonymous user is counted as the
  // ingress's address, one bucket per pod for everyone (test/rehearsal/ingress-rate-limits.test.ts).
  'rate limits behind the ingress': /users got 429 on their first request/,
};

// Rehearsal cases the app itself fails today (not the chart), found by the chaos cases. Same
// rule: the test asserts the failure is still detected; delete the entry once the app is fixed.
export const APP_DEFECTS: Readonly<Record<string, RegExp>> = {
  // Requests that reach a pod while PostgreSQL is down wait for the whole 10 s request timeout
  // and get 504, instead of failing fast with 503 (DB_CONNECT_TIMEOUT_MS is 5 s, yet queries queue
  // behind the pool). Sometimes, too, the pool does not recover under load: /ready stays 503
  // ("database ping timed out") long after the database returned. Both reproduce with one process
  // and 30 requests/s outside the harness.
  'PostgreSQL stopped for 10 s under load': /requests did not fail fast \(504/,
};
