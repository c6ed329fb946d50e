/**
 * `sluice data status --remote` through the real CLI: tracked data against the local cache, a
 * directory remote or S3 (s3rver), and the git upstream's pointers, in text and JSON.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { scratchRepo, sluice, sluiceAsync, type ScratchRepo } from '../support/cli.js';
import { startTestS3, type TestS3 } from '../support/s3.js';

interface Report {
  remote: { name: string };
  upstream?: string;
  pointers: { target: string; state: string; inCache: boolean; onRemote: boolean; sync: string; upstreamHash?: string | null }[];
}

function statusJson(cwd: string, args: readonly string[] = []): Report {
  const result = sluice(cwd, ['data', 'status', '--remote', ...args, '--json']);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as Report;
}

const syncOf = (report: Report) => Object.fromEntries(report.pointers.map((pointer) => [pointer.target, pointer.sync]));

describe('data status --remote', () => {
  let repo: ScratchRepo;
  let clone: string;
  before(() => {
    repo = scratchRepo({ 'README.md': 'data project\n' });
    assert.equal(sluice(repo.root, ['init']).code, 0);
    repo.write('data/train.csv', 'x,y\n1,2\n');
    for (let index = 0; index < 40; index++) repo.write(`data/images/f${index}.bin`, `image ${index}\n`);
    assert.equal(sluice(repo.root, ['data', 'add', 'data/train.csv', 'data/images']).code, 0);
    assert.equal(sluice(repo.root, ['remote', 'add', 'store', join(repo.outside, 'remote'), '--default']).code, 0);
    repo.git('add', '-A');
    repo.git('commit', '-qm', 'track data');
    clone = join(repo.outside, 'clone');
  });
  after(() => repo.remove());

  test('data in the cache and not on the remote is not pushed, and the text says to push it', () => {
    assert.deepEqual(syncOf(statusJson(repo.root)), { 'data/images': 'not-pushed', 'data/train.csv': 'not-pushed' });
    const text = sluice(repo.root, ['data', 'status', '--remote']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /2 in the cache, not on store: `sluice data push -r store` sends them: data\/images, data\/train\.csv/);
  });

  test('after a push everything is in sync', () => {
    assert.equal(sluice(repo.root, ['data', 'push']).code, 0);
    assert.deepEqual(syncOf(statusJson(repo.root)), { 'data/images': 'synced', 'data/train.csv': 'synced' });
    assert.match(sluice(repo.root, ['data', 'status', '-r', 'store']).stdout, /Everything tracked is in the working copy, the cache and store/);
  });

  test('in a fresh clone the data is on the remote and not pulled', () => {
    execFileSync('git', ['clone', '-q', repo.root, clone]);
    const report = statusJson(clone);
    assert.equal(report.upstream, 'origin/main');
    assert.deepEqual(syncOf(report), { 'data/images': 'not-pulled', 'data/train.csv': 'not-pulled' });
    assert.ok(report.pointers.every((pointer) => pointer.state === 'missing' && pointer.upstreamHash === undefined));
  });

  test('a pointer changed upstream is named with the version the upstream tracks', () => {
    repo.write('data/train.csv', 'x,y\n1,2\n3,4\n');
    assert.equal(sluice(repo.root, ['data', 'add', 'data/train.csv']).code, 0);
    repo.git('commit', '-qam', 'new training data');
    execFileSync('git', ['fetch', '-q'], { cwd: clone });
    const upstreamHash = /hash: "([^"]+)"/.exec(repo.git('show', 'HEAD:data/train.csv.sluice'))![1];
    const train = statusJson(clone, ['store']).pointers.find((pointer) => pointer.target === 'data/train.csv')!;
    assert.equal(train.upstreamHash, upstreamHash);
    assert.match(sluice(clone, ['data', 'status', '--remote']).stdout, /1 origin\/main names another version: `git pull`, then `sluice data pull`: data\/train\.csv/);
  });

  test('an unknown remote is a usage error naming the configured ones', () => {
    const result = sluice(repo.root, ['data', 'status', '--remote', 'nope']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /There is no remote "nope" \(configured: store\)/);
  });

  describe('against S3', () => {
    let s3: TestS3;
    before(async () => {
      s3 = await startTestS3();
    });
    after(async () => s3.close());

    test('what was pushed to S3 is on it, the rest is not', async () => {
      const env = s3.env;
      assert.equal(sluice(repo.root, ['remote', 'add', 's3', `s3://${s3.bucket}/data`, '--endpoint', env.AWS_ENDPOINT_URL!], env).code, 0);
      assert.equal((await sluiceAsync(repo.root, ['data', 'push', '-r', 's3', 'data/images'], env)).code, 0);
      const result = await sluiceAsync(repo.root, ['data', 'status', '--remote', 's3', '--json'], env);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(syncOf(JSON.parse(result.stdout) as Report), { 'data/images': 'synced', 'data/train.csv': 'not-pushed' });
    });

    test('talking to S3 prints nothing of the AWS SDK’s own (its warning that future versions need Node 22)', async () => {
      const result = await sluiceAsync(repo.root, ['data', 'status', '--remote', 's3'], s3.env);
      assert.equal(result.code, 0, result.stderr);
      assert.doesNotMatch(result.stderr, /Warning|AWS SDK/);
    });
  });
});
