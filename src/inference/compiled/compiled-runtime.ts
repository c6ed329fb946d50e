/**
 * The compiled runtime for small ONNX graphs, verified against onnxruntime when a model loads.
 *
 * Why hand-written: for tiny tabular models (a logistic regression over 30 features, a small MLP,
 * a few hundred trees) the work is a few hundred flops, and what a request pays is a general
 * runtime's call overhead — onnxruntime-node's `session.run` and its tensor plumbing cost about
 * 20 µs on the event loop per call. Tools such as m2cgen, treelite and Hummingbird exist for the
 * same reason in other ecosystems; no maintained JavaScript library evaluates ONNX graphs
 * in-process without that overhead (onnxruntime-web is WebAssembly with the same per-call cost).
 * So supported graphs compile to one JavaScript function (`compile.ts`), which is trusted only
 * after it reproduced onnxruntime on the probe rows; anything else stays with onnxruntime.
 */
import * as ort from 'onnxruntime-node';
import { compileGraph, type CompiledGraph } from './compile.js';
import type { EmitterOptions, RowData } from './emitter.js';
import type { KernelRegistry } from './kernel.js';
import { DEFAULT_KERNELS } from './kernels.js';
import { readOnnxGraph } from './onnx-graph.js';
import { probeRows, type ProbeOptions } from './probe.js';
import { probeHints } from './probe-hints.js';
import { UnsupportedGraph } from './unsupported.js';
import { compareOutputs } from './verify.js';

/** Which runtime serves a model, and why. */
export interface RuntimeInfo {
  readonly kind: 'compiled' | 'onnxruntime';
  readonly reason: string;
}

/** onnxruntime's run, the reference the compiled function is checked against. */
export type ReferenceRun = (feeds: Record<string, ort.Tensor>, outputNames: readonly string[]) => Promise<Record<string, ort.Tensor>>;

/** The compiled function over onnxruntime tensors; undefined when the feeds are not what it was compiled for. */
export type TensorRun = (feeds: Readonly<Record<string, ort.Tensor>>, outputNames: readonly string[]) => Record<string, ort.Tensor> | undefined;

export interface CompiledRuntime {
  readonly info: RuntimeInfo;
  /** Set when the compiled function passed the verification. */
  readonly run?: TensorRun | undefined;
}

export interface CompiledRuntimeOptions extends EmitterOptions {
  /** The kernels to compile with (tests substitute one to prove the verification can fail). */
  readonly kernels?: KernelRegistry;
  readonly probe?: ProbeOptions;
}

/**
 * Compiles the model (`bytes`, after the ZipMap rewrite) and verifies it against `reference`.
 * Never throws: whatever goes wrong leaves the model on onnxruntime, with the reason.
 */
export async function prepareCompiledRuntime(bytes: Uint8Array, reference: ReferenceRun, options: CompiledRuntimeOptions = {}): Promise<CompiledRuntime> {
  try {
    return await compileAndVerify(bytes, reference, options);
  } catch (error) {
    return fallback(`the compiled runtime failed (${error instanceof Error ? error.message : String(error)})`);
  }
}

async function compileAndVerify(bytes: Uint8Array, reference: ReferenceRun, options: CompiledRuntimeOptions): Promise<CompiledRuntime> {
  let compiled: CompiledGraph;
  let hints: ReturnType<typeof probeHints>;
  try {
    const graph = readOnnxGraph(bytes);
    compiled = compileGraph(graph, options.kernels ?? DEFAULT_KERNELS, options);
    hints = probeHints(graph, compiled.shapes);
  } catch (error) {
    if (error instanceof UnsupportedGraph) return fallback(`not compiled: ${error.message}`);
    return fallback(`the compiler failed (${error instanceof Error ? error.message : String(error)})`);
  }
  const probe = probeRows(compiled, hints, options.probe);
  const feeds = Object.fromEntries(compiled.inputs.map((input, k) => [input.name, new ort.Tensor(input.type, probe.inputs[k] as Float32Array, [probe.rows, ...input.rowShape])]));
  let mismatch: string | undefined;
  try {
    const expected = await reference(feeds, compiled.outputs.map((output) => output.name));
    mismatch = compareOutputs(compiled, probe.rows, compiled.run(probe.rows, probe.inputs), expected);
  } catch (error) {
    mismatch = `the probe did not run (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
  }
  if (mismatch) return fallback(`compiled outputs differ from onnxruntime's on the probe: ${mismatch}`);
  return { info: { kind: 'compiled', reason: `verified against onnxruntime on ${probe.rows} probe rows` }, run: tensorRun(compiled) };
}

function fallback(reason: string): CompiledRuntime {
  return { info: { kind: 'onnxruntime', reason } };
}

/** The compiled function behind onnxruntime's tensor interface: same names, types and dimensions. */
function tensorRun(compiled: CompiledGraph): TensorRun {
  const inputs = compiled.inputs;
  const outputs = new Map(compiled.outputs.map((output, k) => [output.name, { ...output, index: k }]));
  const data = new Array<RowData>(inputs.length);
  return (feeds, outputNames) => {
    let rows = -1;
    for (let k = 0; k < inputs.length; k++) {
      const input = inputs[k]!;
      const tensor = feeds[input.name];
      if (!tensor || tensor.type !== input.type || tensor.dims.length !== input.rowShape.length + 1) return undefined;
      for (let axis = 0; axis < input.rowShape.length; axis++) if (tensor.dims[axis + 1] !== input.rowShape[axis]) return undefined;
      if (rows !== -1 && tensor.dims[0] !== rows) return undefined;
      rows = tensor.dims[0]!;
      data[k] = tensor.data as RowData;
    }
    if (Object.keys(feeds).length !== inputs.length) return undefined;
    const results = compiled.run(rows, data);
    const tensors: Record<string, ort.Tensor> = {};
    for (const name of outputNames) {
      const output = outputs.get(name);
      if (!output) return undefined;
      tensors[name] = new ort.Tensor(output.type, results[output.index] as Float32Array, [rows, ...output.rowShape]);
    }
    return tensors;
  };
}
