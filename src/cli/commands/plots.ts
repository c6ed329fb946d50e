/** `sluice plots show [TARGETS...]` and `sluice plots diff [REV] [TARGETS...]`: the declared plots as one HTML page (or --json). */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { assertWritableFilePath, writeFileAtomic } from '../../core/index.js';
import { collectPlots, collectPlotsDiff, loadPipeline, type PlotFile } from '../../pipeline/index.js';
import { renderPlotsPage } from '../../reports/index.js';
import { openWorkspaceCache } from '../../workspace/index.js';
import { currentWorkspace } from '../context.js';
import { parseOptions } from '../options.js';
import { printJson, type CliOutput } from '../output.js';

const optionsSchema = z.object({ json: z.boolean().default(false), out: z.string().min(1).optional() });

/** The page's directory when --out is not given: inside .sluice/, ignored by git through its own .gitignore. */
const DEFAULT_OUT = join('.sluice', 'plots');

/** Paths given from the current directory, as paths from the workspace root. */
function fromRoot(root: string, paths: readonly string[]): string[] {
  return paths.map((path) => relative(root, resolve(path)).split('\\').join('/'));
}

function plotsJson(files: readonly PlotFile[]): Record<string, unknown> {
  return Object.fromEntries(
    files.map((file) => [
      file.path,
      {
        type: file.type ?? null,
        charts: file.charts,
        images: file.images.map((image) => ({ label: image.label, mediaType: image.mediaType, size: image.bytes.length })),
        errors: file.errors,
      },
    ]),
  );
}

/** Writes the page (or prints the JSON) and reports the files that could not be drawn. */
function present(root: string, files: readonly PlotFile[], title: string, options: z.output<typeof optionsSchema>, output: CliOutput): number {
  if (options.json) {
    printJson(output, plotsJson(files));
    return 0;
  }
  const directory = options.out === undefined ? join(root, DEFAULT_OUT) : resolve(options.out);
  // The page's folder: a file on its way is the user's path problem, reported as such.
  assertWritableFilePath(join(directory, 'index.html'));
  mkdirSync(directory, { recursive: true });
  if (options.out === undefined && !existsSync(join(directory, '.gitignore'))) writeFileSync(join(directory, '.gitignore'), '*\n');
  const page = join(directory, 'index.html');
  const hrefFor = (path: string) => relative(directory, join(root, path)).split('\\').join('/');
  writeFileAtomic(page, renderPlotsPage({ title, plots: files, hrefFor }));
  for (const file of files) for (const error of file.errors) output.stdout.write(`${file.path}: ${error}\n`);
  output.stdout.write(`Wrote ${relative(process.cwd(), page) || page}\n`);
  return 0;
}

export async function plotsShowCommand(targets: readonly string[], rawOptions: unknown, output: CliOutput): Promise<number> {
  const options = parseOptions(optionsSchema, rawOptions, 'plots show');
  const pipeline = loadPipeline(currentWorkspace().root);
  const files = await collectPlots(pipeline.root, pipeline.stages, fromRoot(pipeline.root, targets));
  return present(pipeline.root, files, 'Plots', options, output);
}

/** The first argument is a revision unless it names a file in the workspace (then it is a target, against HEAD). */
export async function plotsDiffCommand(args: readonly string[], rawOptions: unknown, output: CliOutput): Promise<number> {
  const options = parseOptions(optionsSchema, rawOptions, 'plots diff');
  const workspace = currentWorkspace();
  const pipeline = loadPipeline(workspace.root);
  const [first, ...rest] = args;
  const firstIsFile = first !== undefined && existsSync(first) && statSync(first).isFile();
  const revision = first === undefined || firstIsFile ? 'HEAD' : first;
  const targets = fromRoot(pipeline.root, firstIsFile ? args : rest);
  const files = await collectPlotsDiff(pipeline.root, revision, pipeline.stages, openWorkspaceCache(workspace), targets);
  return present(pipeline.root, files, `Plots: ${revision} and the workspace`, options, output);
}
