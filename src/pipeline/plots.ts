/**
 * Plots: the files stages declare under `plots:`, drawn by `sluice plots show` (the workspace)
 * and `sluice plots diff REV` (REV and the workspace overlaid). Data files become charts, images
 * are embedded and HTML pages linked, by the page in reports/; this module reads and parses them.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ObjectCache } from '../cache/index.js';
import { invalidPlotFile, noPlotRendered, plotTargetNotDeclared } from './errors.js';
import { plotCharts, plotFileType, type PlotChart, type PlotFileType } from './plot-data.js';
import { openRevisionReader, type RevisionReader } from './revision-outputs.js';
import type { Output, Stage } from './stage.js';

/** An image plot as read from one source. */
export interface PlotImage {
  /** The source: a revision, `workspace`, or '' for `plots show`. */
  readonly label: string;
  readonly mediaType: string;
  readonly bytes: Buffer;
}

/** One declared plot, read from every source: its charts, images, or (HTML) the fact it exists. */
export interface PlotFile {
  readonly path: string;
  /** How it is shown; undefined for a file type Sluice cannot show. */
  readonly type: PlotFileType | undefined;
  /** Data plots: one chart per data set, each with the series of every source. */
  readonly charts: readonly PlotChart[];
  readonly images: readonly PlotImage[];
  /** What could not be read, each prefixed by its source in a diff. */
  readonly errors: readonly string[];
}

/** Where plots are read from: the workspace, or a git revision. */
interface PlotSource {
  readonly label: string;
  readonly read: RevisionReader;
}

/** The declared plots, in definition order (the first declaration of a path wins). */
export function declaredPlots(stages: readonly Stage[]): Output[] {
  const seen = new Map<string, Output>();
  for (const out of stages.flatMap((stage) => stage.outs)) if (out.kind === 'plots' && !seen.has(out.path)) seen.set(out.path, out);
  return [...seen.values()];
}

function selectPlots(stages: readonly Stage[], targets: readonly string[] | undefined): Output[] {
  const declared = declaredPlots(stages);
  if (!targets || targets.length === 0) return declared;
  return targets.map((path) => declared.find((out) => out.path === path) ?? raise(path, declared));
}

function raise(path: string, declared: readonly Output[]): never {
  throw plotTargetNotDeclared({ path, declared: declared.map((out) => out.path) });
}

function workspaceReader(root: string): RevisionReader {
  return async (path) => {
    const absolute = join(root, path);
    return existsSync(absolute) && statSync(absolute).isFile() ? readFileSync(absolute) : undefined;
  };
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Reads one plot from every source; series and images are labelled by source when there are several. */
async function readPlot(out: Output, sources: readonly PlotSource[]): Promise<PlotFile> {
  const kind = plotFileType(out.path);
  const charts = new Map<string, { chart: PlotChart; series: PlotChart['series'][number][] }>();
  const images: PlotImage[] = [];
  const errors: string[] = [];
  const labelled = (label: string, text: string) => (label === '' ? text : `${label}: ${text}`);
  if (!kind) return { path: out.path, type: undefined, charts: [], images, errors: [invalidPlotFile({ path: out.path, reason: 'Sluice shows CSV, TSV, JSON, YAML, PNG, JPEG, GIF, SVG, HTML and Markdown plots' }).message] };
  // An HTML or Markdown report is linked to as it is in the workspace; older versions are not kept side by side.
  for (const source of kind.type === 'html' ? sources.slice(-1) : sources) {
    const bytes = await source.read(out.path);
    if (bytes === undefined) {
      errors.push(labelled(source.label, `${out.path} is missing`));
      continue;
    }
    if (kind.type === 'image') images.push({ label: source.label, mediaType: kind.mediaType, bytes });
    if (kind.type !== 'data') continue;
    try {
      for (const chart of plotCharts(bytes.toString('utf8'), out.path, out.plot)) {
        const entry = charts.get(chart.title) ?? charts.set(chart.title, { chart, series: [] }).get(chart.title)!;
        entry.series.push(...chart.series.map((series) => ({ ...series, name: labelled(source.label, series.name) })));
      }
    } catch (error) {
      errors.push(labelled(source.label, invalidPlotFile({ path: out.path, reason: reasonOf(error) }).message));
    }
  }
  return { path: out.path, type: kind.type, charts: [...charts.values()].map(({ chart, series }) => ({ ...chart, series })), images, errors };
}

/** Whether the page can show something for the file. */
export function isRendered(file: PlotFile): boolean {
  return file.charts.length > 0 || file.images.length > 0 || (file.type === 'html' && file.errors.length === 0);
}

async function collect(outs: readonly Output[], sources: readonly PlotSource[]): Promise<PlotFile[]> {
  const files: PlotFile[] = [];
  for (const out of outs) files.push(await readPlot(out, sources));
  if (files.length === 0) throw noPlotRendered({ reasons: ['no stage declares plots'] });
  if (!files.some(isRendered)) throw noPlotRendered({ reasons: files.flatMap((file) => file.errors) });
  return files;
}

/**
 * The declared plots (or the `targets`, declared paths from the root) as they are in the
 * workspace. Fails when a target is not declared, or when no plot can be drawn at all.
 */
export async function collectPlots(root: string, stages: readonly Stage[], targets?: readonly string[]): Promise<PlotFile[]> {
  return collect(selectPlots(stages, targets), [{ label: '', read: workspaceReader(root) }]);
}

/** {@link collectPlots} with each plot read at `revision` too, its series labelled `REV: name` and `workspace: name`. */
export async function collectPlotsDiff(root: string, revision: string, stages: readonly Stage[], cache: ObjectCache, targets?: readonly string[]): Promise<PlotFile[]> {
  const outs = selectPlots(stages, targets);
  const old = await openRevisionReader(root, revision, cache);
  return collect(outs, [
    { label: revision, read: old },
    { label: 'workspace', read: workspaceReader(root) },
  ]);
}
