/**
 * Gathers a version's model card from what Sluice holds: the registry (version, hash, signature,
 * lineage, aliases, the audit log of who registered and promoted it), the tracking store (the
 * gate run that judged this very file, found by its content hash), a fresh evaluation on labelled
 * data with 95 % bootstrap intervals (and fairness when sensitive columns are named), a global
 * explanation (mean |SHAP|), and the intended use people wrote in model-card.yaml.
 */
import { statSync } from 'node:fs';
import { relative } from 'node:path';
import { hashFile } from '../core/index.js';
import { findColumn, readTable } from '../data/index.js';
import { evaluate } from '../evaluation/index.js';
import { explainModel } from '../explain/index.js';
import type { ModelVersion, RegistryService } from '../registry/index.js';
import type { TrackingService } from '../tracking/index.js';
import { readCardFile } from './card-file.js';
import type { CardMetric, ModelCard } from './model-card.js';

export interface GatherCardOptions {
  readonly registry: RegistryService;
  readonly tracking: TrackingService;
  readonly version: ModelVersion;
  /** A local copy of the version's file. */
  readonly modelPath: string;
  readonly dataPath: string;
  readonly target: string;
  readonly exclude?: readonly string[] | undefined;
  readonly sensitive?: readonly string[] | undefined;
  readonly cardFile: string;
  /** Paths are shown relative to it. */
  readonly root: string;
  readonly bootstrap?: number | undefined;
  readonly now?: () => Date;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

export async function gatherModelCard(options: GatherCardOptions): Promise<ModelCard> {
  const { version } = options;
  const metadata = version.signature?.metadata ?? {};
  const lineage = version.lineage;
  const bootstrap = options.bootstrap ?? 1000;
  const result = await evaluate({ modelPath: options.modelPath, dataPath: options.dataPath, target: options.target, exclude: options.exclude, sensitive: options.sensitive, bootstrap, importanceRepeats: 0, seed: 42 });
  const table = await readTable(options.dataPath);
  let missingCells = 0;
  for (const column of table.columns) for (let i = 0; i < table.rowCount; i++) if (column.kind === 'number' ? Number.isNaN(column.values[i]!) : column.values[i] === null) missingCells++;
  const targetColumn = findColumn(table, options.target);
  const classBalance =
    result.task === 'regression' || !targetColumn
      ? undefined
      : Object.fromEntries(
          [...Array.from({ length: table.rowCount }, (_, i) => (targetColumn.kind === 'number' ? String(targetColumn.values[i]) : (targetColumn.values[i] ?? ''))).reduce((counts, label) => counts.set(label, (counts.get(label) ?? 0) + 1), new Map<string, number>())].sort(),
        );
  const metrics: CardMetric[] = Object.entries(result.metrics).map(([name, value]) => ({ name, value, interval: result.ci?.[name] }));
  const fairness = Object.entries(result.fairness ?? {}).flatMap(([attribute, report]) =>
    Object.entries(report.groups).map(([group, values]) => ({ attribute, group, rows: values.count, metrics: { selection_rate: values.selection_rate, true_positive_rate: values.true_positive_rate, false_positive_rate: values.false_positive_rate } })),
  );
  const shown = (path: string) => (relative(options.root, path).startsWith('..') ? path : relative(options.root, path));
  return {
    generatedAt: (options.now?.() ?? new Date()).toISOString(),
    details: {
      name: version.name,
      version: version.version,
      uri: `models:/${version.name}/${version.version}`,
      aliases: version.aliases,
      description: version.description,
      hash: version.objectId,
      sizeBytes: version.sizeBytes,
      created: iso(version.creationTimestamp),
      createdBy: version.userId,
      algorithm: metadata.algorithm,
      task: metadata.task ?? result.task,
      params: { ...lineage?.params, ...(metadata.params ? { 'model.params': metadata.params } : {}) },
      producer: metadata.producer ?? undefined,
      inputs: (version.signature?.inputs ?? []).map((input) => `${input.name}: ${input.type}${input.shape ? ` [${input.shape.map((d) => d ?? '?').join(', ')}]` : ''}`),
      outputs: (version.signature?.outputs ?? []).map((output) => `${output.name}: ${output.type}${output.shape ? ` [${output.shape.map((d) => d ?? '?').join(', ')}]` : ''}`),
      runId: lineage?.runId ?? version.runId,
      stage: lineage?.stage,
      commit: lineage?.gitCommit,
      dirty: lineage?.gitDirty,
      trainedAt: await trainedAt(options.tracking, lineage?.runId ?? version.runId),
    },
    intendedUse: readCardFile(options.cardFile, shown(options.cardFile)),
    cardFile: shown(options.cardFile),
    trainingData: [...(lineage?.data ?? []).map((data) => ({ ...data, stage: lineage?.stage })), ...(lineage?.upstream ?? []).flatMap((stage) => stage.data.map((data) => ({ ...data, stage: stage.stage })))],
    evaluation: {
      data: shown(options.dataPath),
      digest: `blake3:${await hashFile(options.dataPath, statSync(options.dataPath).size)}`,
      rows: table.rowCount,
      columns: table.columns.length,
      missingCells,
      target: options.target,
      classBalance,
      bootstrap,
      metrics,
      fairness,
    },
    explanation: await globalExplanation(options),
    gate: await gateOf(options.tracking, version),
    audit: await auditOf(options.registry, version),
  };
}

async function trainedAt(tracking: TrackingService, runId: string | undefined): Promise<string | undefined> {
  if (!runId) return undefined;
  try {
    const run = await tracking.getRun(runId);
    return run.info.endTime ? iso(run.info.endTime) : iso(run.info.startTime);
  } catch {
    return undefined;
  }
}

async function globalExplanation(options: GatherCardOptions): Promise<ModelCard['explanation']> {
  try {
    const explanation = await explainModel({ modelPath: options.modelPath, modelLabel: `models:/${options.version.name}/${options.version.version}`, dataPath: options.dataPath, exclude: [options.target, ...(options.exclude ?? []), ...(options.sensitive ?? [])], rows: 500, background: undefined });
    return { method: explanation.method, rows: explanation.rows, ranking: explanation.ranking.slice(0, 10).map((item) => ({ feature: item.feature, meanAbsShap: item.overall })) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** The latest gate run whose candidate was this very file (by content hash). */
async function gateOf(tracking: TrackingService, version: ModelVersion): Promise<ModelCard['gate']> {
  if (!version.objectId) return undefined;
  const experiments = (await tracking.searchExperiments({ maxResults: 1000 })).items.map((experiment) => experiment.experimentId);
  if (experiments.length === 0) return undefined;
  const runs = await tracking.searchRuns({ experimentIds: experiments, filter: `tags.\`sluice.model.candidate.digest\` = '${version.objectId}'`, orderBy: ['start_time DESC'], maxResults: 1 });
  const run = runs.items[0];
  if (!run) return undefined;
  const tag = (key: string) => run.data.tags.find((entry) => entry.key === key)?.value;
  return {
    verdict: tag('sluice.gate.verdict') ?? 'unknown',
    runId: run.info.runId,
    when: iso(run.info.startTime),
    failedRules: tag('sluice.gate.failed_rules'),
    metrics: Object.fromEntries(run.data.metrics.map((metric) => [metric.key, metric.value])),
  };
}

/** Registry changes to this version: its registration, aliases pointed at it, tags, stages. */
async function auditOf(registry: RegistryService, version: ModelVersion): Promise<ModelCard['audit']> {
  const entries = await registry.listAudit({ model: version.name, limit: 1000 });
  const uri = `models:/${version.name}/${version.version}`;
  return entries
    .filter((entry) => entry.target === uri || (entry.action.startsWith('alias.') && (entry.details.version === version.version || entry.details.previous_version === version.version)))
    .reverse()
    .map((entry) => ({
      when: iso(entry.at),
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
      details: Object.entries(entry.details)
        .filter(([, value]) => value !== null && value !== '')
        .map(([key, value]) => `${key}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
        .join(' '),
      origin: entry.origin,
    }));
}
