/**
 * `sluice runs list|show|compare|delete|restore`: tracked runs (pipeline runs, their stages, evaluations,
 * gates, and anything MLflow clients logged), searched with MLflow's filter language.
 */
import { z } from 'zod';
import { formatNumber } from '../../core/index.js';
import { SYSTEM_TAGS, type Run } from '../../tracking/index.js';
import { formatDuration, renderTable } from '../format/table.js';
import { parseOptions } from '../options.js';
import { printJson } from '../output.js';
import { withServices, type CliContext } from '../services.js';

const listSchema = z.object({
  experiment: z.array(z.string().min(1)).optional(),
  filter: z.string().optional(),
  orderBy: z.array(z.string()).optional(),
  maxResults: z.coerce.number({ error: 'must be a number' }).int().min(1, { error: 'must be at least 1' }).max(50_000).optional(),
  limit: z.coerce.number({ error: 'must be a number' }).int().min(1, { error: 'must be at least 1' }).max(50_000).optional(),
  pageToken: z.string().optional(),
  all: z.boolean().default(false),
  deleted: z.boolean().default(false),
  json: z.boolean().default(false),
});

/** A run as flat JSON, the way `mlflow.search_runs` frames it. */
export function runToJson(run: Run): Record<string, unknown> {
  return {
    run_id: run.info.runId,
    run_name: run.info.runName,
    experiment_id: run.info.experimentId,
    status: run.info.status,
    start_time: run.info.startTime,
    end_time: run.info.endTime ?? null,
    user_id: run.info.userId,
    lifecycle_stage: run.info.lifecycleStage,
    artifact_uri: run.info.artifactUri,
    params: Object.fromEntries(run.data.params.map((param) => [param.key, param.value])),
    metrics: Object.fromEntries(run.data.metrics.map((metric) => [metric.key, metric.value])),
    tags: Object.fromEntries(run.data.tags.map((tag) => [tag.key, tag.value])),
    inputs: run.inputs.map((input) => ({ name: input.dataset.name, digest: input.dataset.digest, tags: Object.fromEntries(input.tags.map((tag) => [tag.key, tag.value])) })),
    outputs: run.outputs.map((output) => ({ path: output.path, object_id: output.objectId, size: output.size })),
  };
}

function tag(run: Run, key: string): string | undefined {
  return run.data.tags.find((item) => item.key === key)?.value;
}

function shortCommit(run: Run): string {
  const commit = tag(run, SYSTEM_TAGS.gitCommit);
  return commit ? `${commit.slice(0, 8)}${tag(run, SYSTEM_TAGS.gitDirty) === 'true' ? '*' : ''}` : '—';
}

function started(time: number): string {
  return new Date(time).toISOString().replace('T', ' ').slice(0, 19);
}

const HEADLINE = /(^|\.)(roc_auc|f1|accuracy|r2|rmse|mae|log_loss|passed)$/;

/** How much a metric deserves a column: headline metrics of held-out data first, baselines last. */
function columnScore(key: string): number {
  return (HEADLINE.test(key) ? 4 : 0) + (/^test\./.test(key) ? 2 : 0) + (key === 'gate.passed' || key === 'passed' ? 3 : 0) - (/baseline|candidate/.test(key) ? 6 : 0);
}

/** The metrics shown as columns: at most four, headline metrics that most runs have. */
function metricColumns(runs: readonly Run[]): string[] {
  const counts = new Map<string, number>();
  for (const run of runs) for (const metric of run.data.metrics) counts.set(metric.key, (counts.get(metric.key) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => columnScore(b[0]) - columnScore(a[0]) || b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 4)
    .map(([key]) => key);
}

export async function runsListCommand(rawOptions: unknown, output: CliContext): Promise<number> {
  const options = parseOptions(listSchema, rawOptions, 'runs list');
  return withServices(output, async (services) => {
    const { tracking } = services;
    const ids = await tracking.experimentIdsOf(options.experiment ?? [services.workspace.experimentName], { missing: options.experiment ? 'fail' : 'skip' });
    const page = ids.length === 0
      ? { items: [], nextPageToken: undefined }
      : await tracking.searchRuns({
          experimentIds: ids,
          filter: options.filter,
          orderBy: options.orderBy,
          maxResults: options.maxResults ?? options.limit ?? 20,
          pageToken: options.pageToken,
          viewType: options.deleted ? 'DELETED_ONLY' : 'ACTIVE_ONLY',
          // Deleted runs are listed whatever their parent: a stage's run deleted on its own is listed too.
          topLevelOnly: !options.all && !options.deleted,
        });
    if (options.json) {
      printJson(output, { runs: page.items.map(runToJson), next_page_token: page.nextPageToken ?? null });
      return 0;
    }
    if (page.items.length === 0) {
      output.stdout.write(options.filter ? 'No runs match the filter.\n' : options.deleted ? 'No deleted runs.\n' : 'No runs recorded yet. `sluice run` records one per pipeline run.\n');
      return 0;
    }
    const metrics = metricColumns(page.items);
    const rows = page.items.map((run) => [
      run.info.runId.slice(0, 8),
      run.info.runName,
      run.info.status,
      started(run.info.startTime),
      run.info.endTime === undefined ? '' : formatDuration(run.info.endTime - run.info.startTime),
      shortCommit(run),
      ...metrics.map((key) => {
        const value = run.data.metrics.find((metric) => metric.key === key)?.value;
        return value === undefined ? '—' : formatNumber(value);
      }),
    ]);
    output.stdout.write(renderTable(['Run', 'Name', 'Status', 'Started (UTC)', 'Time', 'Commit', ...metrics], rows));
    if (page.nextPageToken) output.stdout.write(`\nMore runs: add --page-token ${page.nextPageToken}\n`);
    return 0;
  });
}

const showSchema = z.object({ json: z.boolean().default(false) });

export async function runsShowCommand(idOrPrefix: string, rawOptions: unknown, output: CliContext): Promise<number> {
  const options = parseOptions(showSchema, rawOptions, 'runs show');
  return withServices(output, async ({ tracking, artifacts }) => {
    const run = await tracking.getRun(await tracking.resolveRunId(idOrPrefix));
    const children = (
      await tracking.searchRuns({ experimentIds: [run.info.experimentId], filter: `tags.\`${SYSTEM_TAGS.parentRunId}\` = '${run.info.runId}'`, orderBy: ['attributes.start_time ASC'], maxResults: 1000 })
    ).items;
    const root = run.info.artifactUri.replace(/^mlflow-artifacts:(\/\/[^/]*)?\/+/, '');
    const files = run.info.artifactUri.startsWith('mlflow-artifacts:') ? await artifacts.list(root) : [];
    if (options.json) {
      printJson(output, { ...runToJson(run), children: children.map(runToJson), artifacts: files.map((file) => ({ path: file.path, is_dir: file.isDir, size: file.fileSize ?? null })) });
      return 0;
    }
    const { info } = run;
    const lines = [
      `Run ${info.runId}  ${info.runName}`,
      `  status      ${info.status}${info.endTime === undefined ? '' : ` after ${formatDuration(info.endTime - info.startTime)}`}`,
      `  started     ${started(info.startTime)} UTC by ${info.userId || '—'}`,
      `  experiment  ${info.experimentId}`,
      `  commit      ${shortCommit(run)}`,
      `  artifacts   ${info.artifactUri}`,
    ];
    const section = (title: string, entries: readonly [string, string][]) => {
      if (entries.length === 0) return;
      lines.push('', `${title}:`, ...renderTable(['', ''], entries.map(([key, value]) => [`  ${key}`, value])).split('\n').slice(1).filter(Boolean));
    };
    section('Params', run.data.params.map((param) => [param.key, param.value]));
    section('Metrics', run.data.metrics.map((metric) => [metric.key, formatNumber(metric.value)]));
    section('Data read', run.inputs.map((input) => [input.dataset.name, input.dataset.digest]));
    section('Produced', run.outputs.map((item) => [item.path, item.objectId]));
    section('Stages', children.map((child) => [tag(child, SYSTEM_TAGS.stage) ?? child.info.runName, `${tag(child, 'sluice.stage_status') ?? child.info.status}  (run ${child.info.runId.slice(0, 8)})`]));
    section('Artifacts', files.map((file) => [file.isDir ? `${file.path}/` : file.path, file.fileSize === undefined ? '' : `${file.fileSize} bytes`]));
    section('Tags', run.data.tags.filter((item) => !item.key.startsWith('mlflow.') || item.key === SYSTEM_TAGS.gitBranch).map((item) => [item.key, item.value.length > 80 ? `${item.value.slice(0, 77)}…` : item.value]));
    output.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  });
}

export async function runsCompareCommand(ids: readonly string[], rawOptions: unknown, output: CliContext): Promise<number> {
  const options = parseOptions(showSchema, rawOptions, 'runs compare');
  return withServices(output, async ({ tracking }) => {
    const runs: Run[] = [];
    for (const id of ids) runs.push(await tracking.getRun(await tracking.resolveRunId(id)));
    const keys = (pick: (run: Run) => readonly { key: string }[]) => [...new Set(runs.flatMap((run) => pick(run).map((item) => item.key)))].sort();
    const paramKeys = keys((run) => run.data.params);
    const metricKeys = keys((run) => run.data.metrics);
    const param = (run: Run, key: string) => run.data.params.find((item) => item.key === key)?.value;
    const metric = (run: Run, key: string) => run.data.metrics.find((item) => item.key === key)?.value;
    if (options.json) {
      printJson(output, {
        runs: runs.map((run) => run.info.runId),
        params: Object.fromEntries(paramKeys.map((key) => [key, runs.map((run) => param(run, key) ?? null)])),
        metrics: Object.fromEntries(metricKeys.map((key) => [key, runs.map((run) => metric(run, key) ?? null)])),
      });
      return 0;
    }
    const differs = (values: readonly unknown[]) => new Set(values.map((value) => JSON.stringify(value ?? null))).size > 1;
    const rows = [
      ...paramKeys.map((key) => {
        const values = runs.map((run) => param(run, key));
        return [`${differs(values) ? '≠' : ' '} params.${key}`, ...values.map((value) => value ?? '—')];
      }),
      ...metricKeys.map((key) => {
        const values = runs.map((run) => metric(run, key));
        return [`${differs(values) ? '≠' : ' '} metrics.${key}`, ...values.map((value) => (value === undefined ? '—' : formatNumber(value)))];
      }),
    ];
    output.stdout.write(renderTable(['', ...runs.map((run) => `${run.info.runId.slice(0, 8)} ${run.info.runName}`)], rows));
    output.stdout.write('\n≠ marks values that differ between the runs.\n');
    return 0;
  });
}

const lifecycleSchema = z.object({ json: z.boolean().default(false) });

/**
 * `sluice runs delete RUN` and `sluice runs restore RUN`: MLflow's soft delete (the run stays in
 * the store, `runs list --deleted` shows it) applied to the run and the runs nested under it.
 */
export async function runsLifecycleCommand(action: 'delete' | 'restore', idOrPrefix: string, rawOptions: unknown, output: CliContext): Promise<number> {
  const options = parseOptions(lifecycleSchema, rawOptions, `runs ${action}`);
  return withServices(output, async ({ tracking }) => {
    const runId = await tracking.resolveRunId(idOrPrefix);
    const changed = await tracking.setRunTreeLifecycle(runId, action === 'delete' ? 'deleted' : 'active');
    if (options.json) {
      printJson(output, { run_id: runId, lifecycle_stage: action === 'delete' ? 'deleted' : 'active', nested_runs: changed.slice(1) });
      return 0;
    }
    const nested = changed.length > 1 ? ` with ${changed.length - 1} nested run${changed.length > 2 ? 's' : ''}` : '';
    output.stdout.write(
      action === 'delete'
        ? `Deleted run ${runId}${nested}. \`sluice runs list --deleted\` shows it; \`sluice runs restore ${runId.slice(0, 8)}\` brings it back.\n`
        : `Restored run ${runId}${nested}.\n`,
    );
    return 0;
  });
}
