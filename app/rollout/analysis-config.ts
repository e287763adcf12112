// What the canary analysis reads from its environment (the chart's analysis Job sets it), and
// nothing else: it is a process of its own, next to the API, the migration CLI and the guard.
import { z } from 'zod';

const colour = z
  .string()
  .trim()
  .regex(/^[a-z0-9-]{1,32}$/, 'expected a colour such as blue');
const milliseconds = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const schema = z
  .object({
    PROMETHEUS_URL: z.url({ protocol: /^https?$/ }),
    CANARY_COLOUR: colour,
    STABLE_COLOUR: colour,
    /** The generated spec (chart/files/analysis/canary.json), mounted from a ConfigMap. */
    ANALYSIS_SPEC_FILE: z.string().min(1),
    /** The window each check looks back over: a Prometheus duration. */
    ANALYSIS_WINDOW: z
      .string()
      .regex(/^\d+(s|m|h)$/, 'expected a Prometheus duration such as 2m')
      .default('2m'),
    /** How long to keep checking; the canary must pass every check in it. */
    ANALYSIS_DURATION_MS: milliseconds(0, 86_400_000).default(300_000),
    ANALYSIS_INTERVAL_MS: milliseconds(1_000, 3_600_000).default(30_000),
    /** Fewer canary requests than this in the window: too little traffic to judge. */
    ANALYSIS_MIN_REQUESTS: z.coerce.number().int().min(1).default(100),
    PROMETHEUS_TIMEOUT_MS: milliseconds(100, 60_000).default(10_000),
  })
  .refine((config) => config.CANARY_COLOUR !== config.STABLE_COLOUR, {
    message: 'CANARY_COLOUR and STABLE_COLOUR must differ',
  });

export type AnalysisConfig = z.infer<typeof schema>;

/** The configuration, or the message naming every bad variable. */
export function loadAnalysisConfig(
  env: Readonly<Record<string, string | undefined>>,
): { config: AnalysisConfig } | { error: string } {
  const parsed = schema.safeParse(env);
  if (parsed.success) return { config: parsed.data };
  return {
    error: `Invalid configuration:\n${parsed.error.issues
      .map((issue) => `  - ${issue.path.join('.') || 'config'}: ${issue.message}`)
      .join('\n')}`,
  };
}
