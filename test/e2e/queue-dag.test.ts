/**
 * Issue 17's acceptance for the queue executor: a 30-stage DAG (fan-out, then fan-in) run with
 * `--executor queue` over three `sluice worker` processes, each in its own clone, runs every stage
 * exactly once, spreads over at least two workers, and ends byte for byte as a local `sluice run`.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sluice, sluiceAsync, type CliResult } from '../support/cli.js';
import { queueBench, type QueueBench } from '../support/queue.js';

const FAN = 13;

/** step.sh NAME OUT IN...: the stage's name and its inputs into OUT, and one line "NAME WORKER" to $EFFECTS. */
const STEP = [
  'name=$1; out=$2; shift 2',
  'mkdir -p "$(dirname "$out")"',
  '{ echo "$name"; cat "$@"; } > "$out"',
  'echo "$name ${SLUICE_WORKER:-local}" >> "$EFFECTS"',
  '',
].join('\n');

/**
 * Two roots (src_a, src_b: several stages are ready at the very start) → left_1..13 → right_1..13
 * → join → summary: 30 stages.
 */
function pipelineYaml(): string {
  const lines = ['stages:'];
  for (const root of ['src_a', 'src_b']) lines.push(`  ${root}:`, `    cmd: sh step.sh ${root} out/${root}.txt in.txt`, '    deps: [step.sh, in.txt]', `    outs: [out/${root}.txt]`);
  for (let i = 1; i <= FAN; i++) {
    const root = i % 2 === 1 ? 'src_a' : 'src_b';
    lines.push(`  left_${i}:`, `    cmd: sh step.sh left_${i} out/left_${i}.txt out/${root}.txt`, `    deps: [step.sh, out/${root}.txt]`, `    outs: [out/left_${i}.txt]`);
    lines.push(`  right_${i}:`, `    cmd: sh step.sh right_${i} out/right_${i}.txt out/left_${i}.txt`, `    deps: [step.sh, out/left_${i}.txt]`, `    outs: [out/right_${i}.txt]`);
  }
  const rights = Array.from({ length: FAN }, (_, i) => `out/right_${i + 1}.txt`);
  lines.push('  join:', `    cmd: sh step.sh join out/join.txt ${rights.join(' ')}`, `    deps: [step.sh, ${rights.join(', ')}]`, '    outs: [out/join.txt]');
  lines.push('  summary:', '    cmd: sh step.sh summary out/summary.txt out/join.txt', '    deps: [step.sh, out/join.txt]', '    outs: [out/summary.txt]');
  return `${lines.join('\n')}\n`;
}

const STAGES = ['src_a', 'src_b', 'join', 'summary', ...Array.from({ length: FAN }, (_, i) => [`left_${i + 1}`, `right_${i + 1}`]).flat()];

describe('a 30-stage DAG on three queue workers', () => {
  let bench: QueueBench;
  let submitter: string;
  let result: CliResult;
  const effects = () => readFileSync(join(bench.dir, 'effects.log'), 'utf8').trim().split('\n');

  before(async () => {
    bench = queueBench({ 'sluice.yaml': pipelineYaml(), 'step.sh': STEP, 'in.txt': 'the input\n' });
    const env = { EFFECTS: join(bench.dir, 'effects.log') };
    await Promise.all(['w1', 'w2', 'w3'].map((name) => bench.startWorker(name, [], env)));
    submitter = bench.clone('submitter');
    result = await sluiceAsync(submitter, ['run', '--executor', 'queue', '--queue', bench.url], env);
  });
  after(() => bench.close());

  test('the run succeeds', () => {
    assert.equal(result.code, 0, result.stderr);
  });

  test('every stage runs exactly once, counted by its side effects', () => {
    const counts = new Map<string, number>();
    for (const line of effects()) counts.set(line.split(' ')[0]!, (counts.get(line.split(' ')[0]!) ?? 0) + 1);
    assert.equal(counts.size, 30);
    assert.deepEqual([...counts.keys()].sort(), [...STAGES].sort());
    assert.ok([...counts.values()].every((count) => count === 1), JSON.stringify(Object.fromEntries(counts)));
  });

  test('at least two workers do work', () => {
    const workers = new Set(effects().map((line) => line.split(' ')[1]));
    assert.ok(workers.size >= 2, `only ${[...workers].join(', ')} ran stages`);
    assert.ok(!workers.has('local'), 'a stage ran in the submitting process');
  });

  test('outputs and sluice.lock equal a local run byte for byte', () => {
    const local = bench.clone('local');
    // Its own cache: nothing of the queued run can be restored.
    writeFileSync(join(local, '.sluice', 'config.yaml'), `cache:\n  dir: ${join(bench.dir, 'local-cache')}\n`);
    const localRun = sluice(local, ['run'], { EFFECTS: join(bench.dir, 'local-effects.log') });
    assert.equal(localRun.code, 0, localRun.stderr);
    for (const stage of STAGES) {
      const path = join('out', `${stage}.txt`);
      assert.deepEqual(readFileSync(join(submitter, path)), readFileSync(join(local, path)), path);
    }
    assert.equal(readFileSync(join(submitter, 'sluice.lock'), 'utf8'), readFileSync(join(local, 'sluice.lock'), 'utf8'));
  });
});
