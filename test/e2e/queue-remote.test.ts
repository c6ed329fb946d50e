/**
 * Issue 17: queue workers that share no cache directory with the submitter, only an S3 remote
 * (s3rver): each worker runs with `--remote`, fetching upstream outputs from it and publishing
 * its outputs and run-cache entries to it; the submitter runs with `--pull` and gets every output
 * back. The two stages need labels only one worker each has, so the second runs on the other
 * worker and must read the first's output from S3.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sluiceAsync, type CliResult } from '../support/cli.js';
import { queueBench, type QueueBench } from '../support/queue.js';
import { startTestS3, type TestS3 } from '../support/s3.js';

const PIPELINE = `stages:
  first:
    cmd: mkdir -p out && echo first > out/first.txt && echo "first $SLUICE_WORKER" >> "$EFFECTS"
    deps: [in.txt]
    outs: [out/first.txt]
    labels: [left]
  second:
    cmd: cat out/first.txt in.txt > out/second.txt && echo "second $SLUICE_WORKER" >> "$EFFECTS"
    deps: [in.txt, out/first.txt]
    outs: [out/second.txt]
    labels: [right]
`;

describe('queue workers sharing only an S3 remote', () => {
  let s3: TestS3;
  let bench: QueueBench;
  let submitter: string;
  let result: CliResult;
  const env = (): NodeJS.ProcessEnv => ({ ...s3.env, EFFECTS: join(bench.dir, 'effects.log') });

  before(async () => {
    s3 = await startTestS3();
    const config = `remotes:\n  team:\n    url: s3://${s3.bucket}/team/cache\n    endpoint: ${s3.env.AWS_ENDPOINT_URL}\ndefault_remote: team\n`;
    bench = queueBench({ 'sluice.yaml': PIPELINE, 'in.txt': 'the input\n' }, { config });
    await bench.startWorker('w-left', ['--labels', 'left', '--remote', 'team'], env());
    await bench.startWorker('w-right', ['--labels', 'right', '--remote', 'team'], env());
    submitter = bench.clone('submitter');
    result = await sluiceAsync(submitter, ['run', '--executor', 'queue', '--queue', bench.url, '--pull'], env());
  });
  after(async () => {
    await bench?.close();
    await s3?.close();
  });

  test('the run succeeds, each stage on the worker with its label', () => {
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(readFileSync(join(bench.dir, 'effects.log'), 'utf8').trim().split('\n').sort(), ['first w-left', 'second w-right']);
  });

  test('the submitter has both outputs, the second built from the first fetched through S3', () => {
    assert.equal(readFileSync(join(submitter, 'out', 'first.txt'), 'utf8'), 'first\n');
    assert.equal(readFileSync(join(submitter, 'out', 'second.txt'), 'utf8'), 'first\nthe input\n');
  });
});
