// Every Prometheus rule file and promtool test file the project ships, as data: the generator
// writes them, the tests compare them with what is committed and run promtool on them.
import { canaryRuleGroups } from './canary-rules.ts';
import { canaryTests } from './canary-tests.ts';
import { dashboardUrl, runbookUrl } from './links.ts';
import { type PromtoolTestFile, sloTests, symptomTests } from './promtool-tests.ts';
import { type AlertingRule, type RuleGroup, sloRuleGroups } from './slo-rules.ts';
import { type SymptomAlert, symptomAlerts } from './symptoms.ts';

const SLO_RULES_FILE = 'alerts/rules/slo.rules.yaml';
const SYMPTOM_RULES_FILE = 'alerts/rules/symptoms.rules.yaml';
const CANARY_RULES_FILE = 'alerts/rules/canary.rules.yaml';

function symptomAnnotations(alert: SymptomAlert): Record<string, string> {
  return {
    summary: alert.summary,
    description: alert.description,
    runbook_url: runbookUrl(alert.alert),
    dashboard_url: dashboardUrl(alert.dashboard),
  };
}

function symptomRule(alert: SymptomAlert): AlertingRule {
  return {
    alert: alert.alert,
    expr: alert.expr,
    for: alert.for,
    labels: { severity: alert.severity },
    annotations: symptomAnnotations(alert),
  };
}

export interface RuleFiles {
  rules: Record<string, { groups: RuleGroup[] }>;
  tests: Record<string, PromtoolTestFile>;
}

export function ruleFiles(): RuleFiles {
  // promtool resolves rule_files relative to the test file (alerts/tests/).
  const fromTests = (path: string) => `../rules/${path.split('/').at(-1)}`;
  return {
    rules: {
      [SLO_RULES_FILE]: { groups: sloRuleGroups() },
      [SYMPTOM_RULES_FILE]: {
        groups: [{ name: 'myapp-symptoms', rules: symptomAlerts.map(symptomRule) }],
      },
      [CANARY_RULES_FILE]: { groups: canaryRuleGroups() },
    },
    tests: {
      'alerts/tests/slo.test.yaml': sloTests(fromTests(SLO_RULES_FILE)),
      'alerts/tests/symptoms.test.yaml': symptomTests(
        fromTests(SYMPTOM_RULES_FILE),
        symptomAlerts,
        symptomAnnotations,
      ),
      'alerts/tests/canary.test.yaml': canaryTests(fromTests(CANARY_RULES_FILE)),
    },
  };
}
