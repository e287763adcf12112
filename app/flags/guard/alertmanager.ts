// Alertmanager's webhook payload (version 4), reduced to what the guard reads: the firing
// alerts and their labels. Unknown fields are allowed; Alertmanager adds them over time.
import { z } from 'zod';

const alert = z.looseObject({
  status: z.enum(['firing', 'resolved']),
  labels: z.record(z.string(), z.string()),
  fingerprint: z.string().optional(),
});

export const webhookPayload = z.looseObject({
  version: z.string(),
  status: z.enum(['firing', 'resolved']),
  alerts: z.array(alert).max(1_000),
});

export type WebhookPayload = z.infer<typeof webhookPayload>;

export interface FlagAlarm {
  flag: string;
  /** The variant the alert is about (`feature_flag_result_variant`), when it says. */
  variants: string[];
  /** Alertmanager's fingerprints of the alerts behind it, for the audit line. */
  fingerprints: string[];
}

/**
 * The flags that firing alerts named in `alertNames` point at (label `feature_flag_key`), one
 * entry per flag however many alerts name it. Resolved alerts never act: stepping a rollout
 * back up is a person's decision.
 */
export function flagAlarms(payload: WebhookPayload, alertNames: readonly string[]): FlagAlarm[] {
  const byFlag = new Map<string, FlagAlarm>();
  for (const firing of payload.alerts) {
    const flag = firing.labels.feature_flag_key;
    if (firing.status !== 'firing' || !flag || !alertNames.includes(firing.labels.alertname ?? ''))
      continue;
    const alarm = byFlag.get(flag) ?? { flag, variants: [], fingerprints: [] };
    const variant = firing.labels.feature_flag_result_variant;
    if (variant && !alarm.variants.includes(variant)) alarm.variants.push(variant);
    if (firing.fingerprint) alarm.fingerprints.push(firing.fingerprint);
    byFlag.set(flag, alarm);
  }
  return [...byFlag.values()];
}

export interface CanaryAlarm {
  /** The colour the alert is about (label `colour`): the canary it says burns. */
  colour: string;
  alertNames: string[];
  fingerprints: string[];
}

/**
 * The colours that firing per-colour canary alerts named in `alertNames` point at (label
 * `colour`), one entry per colour however many alerts (availability, latency) name it.
 */
export function canaryAlarms(
  payload: WebhookPayload,
  alertNames: readonly string[],
): CanaryAlarm[] {
  const byColour = new Map<string, CanaryAlarm>();
  for (const firing of payload.alerts) {
    const { colour, alertname = '' } = firing.labels;
    if (firing.status !== 'firing' || !colour || !alertNames.includes(alertname)) continue;
    const alarm = byColour.get(colour) ?? { colour, alertNames: [], fingerprints: [] };
    if (!alarm.alertNames.includes(alertname)) alarm.alertNames.push(alertname);
    if (firing.fingerprint) alarm.fingerprints.push(firing.fingerprint);
    byColour.set(colour, alarm);
  }
  return [...byColour.values()];
}
