// SLOs and error budgets, one row per SLO of the spec (alerts/slos.ts), on the recording rules
// generated from it.
import { burnRateAlerts, errorBudget, slos, slothId } from '../../alerts/slos.ts';
import { dashboard, type Item, row, stat, timeseries } from './panels.ts';
import { dashboardUids } from './uids.ts';

const sloPanels = slos.flatMap((slo): Item[] => {
  const id = `sloth_id="${slothId(slo)}"`;
  const windows = [...new Set(burnRateAlerts.flatMap((pair) => [pair.long, pair.short]))];
  return [
    row(`${slo.id}: ${slo.description} Objective ${slo.objective}%`),
    stat('Objective', 'percentunit', [{ expr: `slo:objective:ratio{${id}}` }], { decimals: 3 }),
    stat('SLI over 30 days', 'percentunit', [{ expr: `1 - slo:sli_error:ratio_rate30d{${id}}` }], {
      decimals: 3,
    }),
    stat(
      'Error budget left',
      'percentunit',
      [{ expr: `slo:period_error_budget_remaining:ratio{${id}}` }],
      { decimals: 1 },
    ),
    stat('Burn rate now (5m)', 'none', [{ expr: `slo:current_burn_rate:ratio{${id}}` }], {
      decimals: 2,
    }),
    timeseries(
      'Burn rate by window',
      'none',
      windows.map((window) => ({
        expr: `slo:sli_error:ratio_rate${window}{${id}} / ${errorBudget(slo)}`,
        legend: window,
      })),
      {
        description: `1 spends the budget exactly over 30 days. Pages above ${burnRateAlerts[0].factor} (1h and 5m) and ${burnRateAlerts[1].factor} (6h and 30m); tickets above ${burnRateAlerts[2].factor} and ${burnRateAlerts[3].factor}.`,
      },
    ),
    timeseries('Error budget left over time', 'percentunit', [
      { expr: `slo:period_error_budget_remaining:ratio{${id}}`, legend: 'budget left' },
    ]),
  ];
});

export const sloDashboard = dashboard(
  dashboardUids.slo,
  'myapp / SLOs and error budgets',
  'Objectives, 30-day SLIs, error budget left and burn rates, from the SLO spec in alerts/slos.ts.',
  sloPanels,
);
