/**
 * Helpers for the environment-serving tests: a scratch workspace with the fixture models
 * registered as `bc` (v1 bc_logreg with the production alias, v2 bc_weak_logreg3, v3 bc_mlp),
 * test.csv's rows, and a bounded load generator that records each answer's version.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedFixture } from './fixtures.js';
import { scratchRepo, sluice, sluiceAsync, type ScratchRepo } from './cli.js';

function readCsv(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const columns = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((value, k) => [columns[k]!, value])));
}

const testCsv = readCsv(sharedFixture('breast_cancer', 'test.csv'));
/** test.csv's rows as /predict records, with their labels. */
export const ROWS = testCsv.map((row) => {
  const { target, ...features } = row;
  return { features: Object.fromEntries(Object.entries(features).map(([name, value]) => [name, Number(value)])), label: Number(target) };
});

/** The workspace every environment test starts from, made once per test process (see environmentRepo). */
let template: string | undefined;

/** An initialised workspace with the three models registered: v1 (alias production), v2, v3. */
function registeredWorkspace(): string {
  if (template !== undefined) return template;
  const repo = scratchRepo({ 'sluice.yaml': 'stages: {}\n' });
  process.once('exit', () => repo.remove());
  assert.equal(sluice(repo.root, ['init']).code, 0);
  for (const [file, extra] of [['bc_logreg.onnx', ['--alias', 'production']], ['bc_weak_logreg3.onnx', []], ['bc_mlp.onnx', []]] as const) {
    const result = sluice(repo.root, ['models', 'register', sharedFixture('breast_cancer', 'models', file), '--name', 'bc', ...extra]);
    assert.equal(result.code, 0, result.stderr);
  }
  template = repo.root;
  return template;
}

/**
 * A workspace whose sluice.yaml is `yaml`, with v1 (logreg, alias production), v2 (weak), v3
 * (mlp). Its `.sluice` (store, registered artifacts) is a copy of one workspace set up once per
 * test process through the CLI: registering three models costs about 2 s a test, and the store
 * holds no path of its own checkout.
 */
export function environmentRepo(yaml: string): ScratchRepo {
  const from = registeredWorkspace();
  const repo = scratchRepo({ 'sluice.yaml': yaml });
  cpSync(join(from, '.sluice'), join(repo.root, '.sluice'), { recursive: true });
  cpSync(join(from, '.gitignore'), join(repo.root, '.gitignore'));
  return repo;
}

export interface RolloutJson {
  stableVersion: number | null;
  rollout: {
    id: string;
    phase: string;
    weight: number;
    stepIndex: number;
    stableVersion: number;
    candidateVersion: number;
    finishedAt?: number;
    updatedAt: number;
    analysisRuns: { name: string; phase: string; metrics: { name: string; phase: string; measurements: { phase: string; startedAt: number; value?: number }[] }[] }[];
  } | null;
}

export function rolloutStatus(repo: ScratchRepo): RolloutJson {
  const result = sluice(repo.root, ['rollout', 'status', '--env', 'production', '--json']);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as RolloutJson;
}

/**
 * Reads `sluice rollout status` over and over while a load runs, one read at a time, each after
 * the last (without blocking the event loop: a synchronous read would stall the load it watches),
 * until `stop()`, which resolves once the read in flight has ended.
 */
export function watchRollout(repo: ScratchRepo, onStatus: (status: RolloutJson) => void, intervalMs = 100): { stop(): Promise<void> } {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const result = await sluiceAsync(repo.root, ['rollout', 'status', '--env', 'production', '--json']);
      if (result.code === 0) onStatus(JSON.parse(result.stdout) as RolloutJson);
      if (!stopped) await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

export function deploy(repo: ScratchRepo, reference: string, ...extra: string[]): void {
  const result = sluice(repo.root, ['deploy', reference, '--env', 'production', ...extra]);
  assert.equal(result.code, 0, result.stderr);
}

export async function environmentState(url: string): Promise<{ stableVersion: number; candidateVersion?: number; policy: { kind: string; weight?: number }; loadedVersions: number[]; shadow?: { rows: number; agreement: number | null; meanAbsDifference: number | null } }> {
  const response = await fetch(`${url}/environment`, { signal: AbortSignal.timeout(10_000) });
  return (await response.json()) as never;
}

export interface Answer {
  readonly status: number;
  readonly version: string | null;
  readonly body: { request_id?: string; predictions?: { probabilities: Record<string, number> }[] };
  /** The request's index in the load (0 first). */
  readonly index: number;
  readonly row: number;
  readonly at: number;
}

export interface LoadOptions {
  readonly url: string;
  /** Requests to send at most. */
  readonly count: number;
  /** Requests in flight at once. */
  readonly concurrency?: number;
  /** Also stop when this turns true (checked after each answer). */
  readonly until?: () => boolean;
  /** Extra headers for the i-th request. */
  readonly headers?: (i: number) => Record<string, string>;
  /** Post each answer's label to /feedback as it arrives. */
  readonly feedback?: boolean;
  /** Give up after this long (ms); the load is bounded in count and in time. */
  readonly timeoutMs?: number;
}

/** Steady, bounded load of single-row /predict requests; every answer, in order of arrival. */
export async function load(options: LoadOptions): Promise<Answer[]> {
  const answers: Answer[] = [];
  let next = 0;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const worker = async () => {
    while (next < options.count && Date.now() < deadline && !(options.until?.() ?? false)) {
      const i = next++;
      const row = i % ROWS.length;
      let answer: Answer;
      try {
        const response = await fetch(`${options.url}/predict`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(options.headers?.(i) ?? {}) },
          body: JSON.stringify({ rows: [ROWS[row]!.features] }),
          signal: AbortSignal.timeout(30_000),
        });
        answer = { status: response.status, version: response.headers.get('x-sluice-model-version'), body: (await response.json()) as Answer['body'], index: i, row, at: Date.now() };
      } catch {
        answer = { status: 0, version: null, body: {}, index: i, row, at: Date.now() };
      }
      answers.push(answer);
      if (options.feedback && answer.status === 200 && answer.body.request_id) {
        const posted = await fetch(`${options.url}/feedback`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ request_id: answer.body.request_id, label: ROWS[row]!.label }),
          signal: AbortSignal.timeout(30_000),
        });
        assert.equal(posted.status, 200, await posted.text());
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  return answers;
}

/** Share of answers from `version`. */
export function shareOf(answers: readonly Answer[], version: string): number {
  return answers.filter((answer) => answer.version === version).length / answers.length;
}
