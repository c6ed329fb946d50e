/** Rollouts as people read them: `sluice rollout status`, `history`, and the lines `deploy --wait` prints. */
import type { AnalysisRunState, EnvironmentStatus, Rollout } from '../../deploy/index.js';
import { renderTable } from './table.js';

function when(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('T', ' ').slice(0, 19);
}

/** Where a rollout is in its strategy: `step 2/4`, `preview`, `promoted`, `running`. */
export function progressOf(rollout: Rollout): string {
  const { strategy } = rollout;
  if (strategy.kind === 'canary') return `step ${Math.min(rollout.stepIndex + 1, strategy.steps.length)}/${strategy.steps.length}`;
  if (strategy.kind === 'bluegreen') return rollout.stepIndex === 0 ? 'preview' : 'promoted';
  if (strategy.kind === 'direct') return 'switch';
  return strategy.kind === 'shadow' ? 'shadowing' : 'experiment';
}

/** One line per change: what `sluice deploy --wait` prints as the rollout moves. */
export function rolloutLine(rollout: Rollout): string {
  return `${rollout.environment}: ${rollout.phase} ${progressOf(rollout)}, candidate v${rollout.candidateVersion} at ${rollout.weight}%: ${rollout.message}`;
}

function lastValue(run: AnalysisRunState): string {
  return run.metrics
    .map((metric) => {
      const last = metric.measurements[metric.measurements.length - 1];
      const value = last?.value === undefined ? '—' : typeof last.value === 'number' ? String(Math.round(last.value * 10_000) / 10_000) : JSON.stringify(last.value);
      // The metric's latest word (why it ended, or `waiting for data: 12 of 50 labelled answers`), as the JSON has it.
      return `${metric.name}: ${metric.phase}, ${metric.measurements.length} measured, last ${value}${last ? ` (${last.phase})` : ''}${metric.message ? `, ${metric.message}` : ''}`;
    })
    .join('; ');
}

function analysisRows(runs: readonly AnalysisRunState[]): string {
  if (runs.length === 0) return '';
  const rows = runs.map((run) => [run.name, run.phase, when(run.startedAt), lastValue(run) || run.message || 'no measurement yet']);
  return `\nAnalysis:\n${renderTable(['Run', 'Phase', 'Started (UTC)', 'Measurements'], rows)}`;
}

/**
 * What reaches the candidate besides its share of answers, where the share alone misleads: a
 * shadow answers nothing but sees copies, a blue/green preview answers only when asked by header,
 * an A/B weight is a share of users.
 */
function candidateTraffic(rollout: Rollout): string {
  const { strategy } = rollout;
  if (strategy.kind === 'shadow') return `copies of ${strategy.percent}% of requests, never answered`;
  if (strategy.kind === 'bluegreen' && rollout.stepIndex === 0) return 'preview: requests with x-sluice-preview: 1';
  if (strategy.kind === 'ab') return strategy.match ? 'requests matching the A/B match' : `${strategy.weight}% of user keys (and of requests without one)`;
  return '';
}

/** `sluice rollout status` in words. */
export function renderStatus(status: EnvironmentStatus): string {
  const { environment, state, rollout } = status;
  const head = `Environment ${environment.name}: model ${environment.model}, alias ${environment.alias}, ${environment.host}:${environment.port}\n`;
  if (!rollout) {
    return `${head}No rollout yet; stable version: ${state?.stableVersion ?? 'none'}. Start one with \`sluice deploy models:/${environment.model}/VERSION --env ${environment.name}\`.\n`;
  }
  const stable = rollout.stableVersion === undefined ? 'none' : `v${rollout.stableVersion}`;
  const also = candidateTraffic(rollout);
  const rows = [
    ['stable', stable, `${100 - rollout.weight}%`, ...(also ? [''] : [])],
    ['candidate', `v${rollout.candidateVersion}`, `${rollout.weight}%`, ...(also ? [also] : [])],
  ];
  const pause = rollout.pauseUntil !== undefined ? ` until ${when(rollout.pauseUntil)} UTC` : rollout.pausedIndefinitely ? ' until `sluice rollout promote`' : '';
  return (
    `${head}Rollout ${rollout.id} (${rollout.strategy.kind}, started ${when(rollout.createdAt)} UTC): ${rollout.phase}, ${progressOf(rollout)}${pause}\n` +
    `${rollout.message}\n\n` +
    renderTable(['', 'Version', 'Weight', ...(also ? ['Also'] : [])], rows, { alignRight: [2] }) +
    analysisRows(rollout.analysisRuns)
  );
}

/** `sluice rollout history`: newest first. */
export function renderHistory(rollouts: readonly Rollout[]): string {
  const rows = rollouts.map((rollout) => [
    when(rollout.createdAt),
    rollout.strategy.kind,
    `${rollout.stableVersion === undefined ? '—' : `v${rollout.stableVersion}`} → v${rollout.candidateVersion}`,
    rollout.phase,
    rollout.message.length > 70 ? `${rollout.message.slice(0, 67)}…` : rollout.message,
  ]);
  return renderTable(['Started (UTC)', 'Strategy', 'Versions', 'Phase', 'Last'], rows);
}

/** The shadow comparison `sluice serve --env` reported: how the candidate's answers compare with the stable version's. */
export function renderShadow(shadow: { rows: number; agreement: number | null; meanAbsDifference: number | null; maxAbsDifference: number | null }): string {
  if (shadow.rows === 0) return '\nShadow: no request compared yet.\n';
  const percent = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(1)}%`);
  const number = (value: number | null) => (value === null ? '—' : value.toFixed(4));
  return `\nShadow: ${shadow.rows} answers compared; same prediction ${percent(shadow.agreement)}; |difference| mean ${number(shadow.meanAbsDifference)}, max ${number(shadow.maxAbsDifference)}\n`;
}
