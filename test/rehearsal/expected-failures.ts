// Chart cases that a real cluster would fail TODAY, and why. The rehearsal's tests assert that
// the model detects each of these (so the model is proved to see the defect); once the chart is
// fixed, delete the entry and the same case must pass. An entry that no longer fails is reported
// as an error too, so this list cannot go stale.
export const EXPECTED_FAILURES: Readonly<Record<string, RegExp>> = {
  // Turning autoscaling on stops Helm applying spec.replicas, which it owned alone: the field is
  // removed and the Deployment drops to 1 pod until the HPA acts. The chart documents the
  // hand-over (chart/README.md, Autoscaling); no render can avoid it.
  'autoscaling turned on for a live release': /spec\.replicas dropped from 2 to 1/,
};

// Rehearsal cases the app itself fails today (not the chart), found by the chaos cases. Same
// rule: the test asserts the failure is still detected; delete the entry once the app is fixed.
export const APP_DEFECTS: Readonly<Record<string, RegExp>> = {};
