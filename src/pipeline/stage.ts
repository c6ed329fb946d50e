/**
 * A stage as the rest of Sluice sees it: fully expanded and interpolated, with every path
 * relative to the repository root (posix separators), and with the place in sluice.yaml each
 * part came from, so that later checks (DAG, params) can point at the right line.
 */
import type { DocumentPath } from '../core/index.js';
import type { StageResources } from './schema.js';

/** A file or directory a stage reads. */
export interface Dependency {
  readonly path: string;
  /** Where it is declared in sluice.yaml. */
  readonly source: DocumentPath;
}

/** A params value a stage reads: a dotted key, or the whole file when `key` is undefined. */
export interface ParamDependency {
  /** The params file, relative to the root. */
  readonly file: string;
  readonly key: string | undefined;
  readonly source: DocumentPath;
  /** True when the param was not listed but used through `${...}` in the stage. */
  readonly implicit: boolean;
}

/** `outs` are data and models; `metrics` and `plots` are small files kept in git. */
export type OutputKind = 'out' | 'metrics' | 'plots';

/** A file or directory a stage writes. */
export interface Output {
  readonly path: string;
  readonly kind: OutputKind;
  /** false: the file is kept in git and never hardlinked; its content is still saved for the run cache. */
  readonly cache: boolean;
  /** true: not deleted before the command runs. */
  readonly persist: boolean;
  readonly source: DocumentPath;
  /** For plots: how to draw it, as declared (`x`, `y`, `title`). */
  readonly plot?: PlotDrawing;
}

/** How a plot is drawn, from its declaration; unset fields fall back to the data's columns. */
export interface PlotDrawing {
  readonly x: string | undefined;
  readonly y: readonly string[] | undefined;
  readonly title: string | undefined;
}

/** A stage named under `after:`. */
export interface AfterEntry {
  /** As written (interpolated): a stage name, or a foreach/matrix name standing for all its items. */
  readonly name: string;
  readonly source: DocumentPath;
}

export interface Stage {
  /** `train`, or `evaluate@test` for a foreach/matrix item. */
  readonly name: string;
  /** Commands run in order through the shell; the first failure stops the stage. */
  readonly cmd: readonly string[];
  /** Working directory relative to the root (`.` for the root). */
  readonly wd: string;
  readonly deps: readonly Dependency[];
  /** Stages it waits for by name, besides the producers of its deps. */
  readonly after: readonly AfterEntry[];
  /**
   * Paths this stage checks (a `uses: validate` stage's data): stages reading them wait for it,
   * and do not run when it fails.
   */
  readonly validates: readonly string[];
  readonly params: readonly ParamDependency[];
  readonly outs: readonly Output[];
  readonly env: Readonly<Record<string, string>>;
  readonly alwaysChanged: boolean;
  /**
   * For a `uses:` stage: the built-in step it runs, and the full JSON report it writes
   * (`with: {details: PATH}`, root-relative), which `sluice ci` reads instead of repeating the work.
   */
  readonly uses: { readonly kind: string; readonly details: string | undefined } | undefined;
  /** Set for a stage that runs the project's unit tests (`uses: tests` or `tests:`); `junit` is its report, root-relative. */
  readonly tests: { readonly junit: string | undefined } | undefined;
  readonly frozen: boolean;
  readonly desc: string | undefined;
  /** Machine needs for executors that place stages; empty when not declared. Not part of the stage's identity. */
  readonly resources: StageResources;
  /** Labels a worker or node must carry to run the stage (`gpu`, `pool=highmem`), as written. */
  readonly labels: readonly string[];
  /** The stage's definition in sluice.yaml (for foreach stages, the `do` block). */
  readonly source: DocumentPath;
  /**
   * `cmd` before `${...}` interpolation, with what it was interpolated from, so that a command
   * that changed only because a param did is reported as the param change.
   */
  readonly cmdTemplate: {
    readonly commands: readonly string[];
    readonly locals: Readonly<Record<string, unknown>>;
    readonly paramsFile: string;
  };
}

/** A loaded, validated pipeline: stages in definition order. */
export interface Pipeline {
  /** Absolute repository root. */
  readonly root: string;
  /** The default params file, root-relative. */
  readonly paramsFile: string;
  readonly stages: readonly Stage[];
}
