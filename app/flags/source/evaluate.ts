// One flag's answer from the SDK, with OpenTelemetry's reason for it: how far the source's state
// lets the answer be trusted. Never throws: any failure is the fallback with reason `error`.
import type { Context, Unleash } from 'unleash-client';
import type { SourceState } from './state.ts';

/** OpenTelemetry's `feature_flag.result.reason` values this client produces. */
type EvaluationReason =
  | 'default'
  | 'disabled'
  | 'split'
  | 'targeting_match'
  | 'cached'
  | 'stale'
  | 'error';

export interface SourceEvaluation {
  enabled: boolean;
  reason: EvaluationReason;
  /** Set when reason is `error`. */
  errorType?: string;
}

function usesOnlyRollouts(strategies: readonly { name: string }[] | undefined): boolean {
  return (
    (strategies ?? []).length > 0 && (strategies ?? []).every((s) => s.name === 'flexibleRollout')
  );
}

export function evaluateFlag(
  sdk: Unleash,
  state: SourceState,
  name: string,
  context: Context,
  fallback: boolean,
): SourceEvaluation {
  try {
    const definition = sdk.getFeatureToggleDefinition(name);
    const enabled = sdk.isEnabled(name, context, fallback);
    if (!definition) return { enabled, reason: 'default' };
    if (!definition.enabled) return { enabled, reason: 'disabled' };
    if (state === 'bootstrap') return { enabled, reason: 'cached' };
    if (state === 'failing' || state === 'unauthorized') return { enabled, reason: 'stale' };
    return {
      enabled,
      reason: usesOnlyRollouts(definition.strategies) ? 'split' : 'targeting_match',
    };
  } catch {
    return { enabled: fallback, reason: 'error', errorType: 'general' };
  }
}
