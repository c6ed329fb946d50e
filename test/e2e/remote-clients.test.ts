/**
 * Remote clients of a team's Sluice server (issue 17): two clones of a project, both pointed at
 * one standalone `sluice server` (PostgreSQL + s3rver) with SLUICE_SERVER_URL, see each other's
 * runs, registrations and aliases, and gate against the other's champion; tokens limit what a
 * client may do; a server that does not answer stops a command before it does anything.
 */
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { sharedFixture } from '../support/fixtures.js';
import { createTestSchema, type TestSchema } from '../support/postgres.js';
import { startTestS3, type TestS3 } from '../support/s3.js';
import { scratchRepo, sluice, sluiceAsync, type ScratchRepo } from '../support/cli.js';
import { startSluiceServer, type ServedProcess } from '../support/serve.js';
import { makeTempDir } from '../support/temp-dir.js';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CHAMPION = sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx');

/** A clone of the example project: its own git repository, no runs of its own. */
function cloneExample(): ScratchRepo {
  const repo = scratchRepo({ 'README.md': 'team project\n' });
  cpSync(join(REPO_ROOT, 'examples', 'pipeline'), repo.root, { recursive: true });
  repo.git('add', '-A');
  repo.git('commit', '-qm', 'the example pipeline');
  return repo;
}

/** A standalone server started in an empty directory. */
async function serverIn(dir: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ServedProcess> {
  mkdirSync(dir, { recursive: true });
  return startSluiceServer(dir, [...args, '--quiet'], env);
}

describe('two clones pointed at one team server', () => {
  let schema: TestSchema;
  let s3: TestS3;
  let home: ReturnType<typeof makeTempDir>;
  let server: ServedProcess;
  let first: ScratchRepo;
  let second: ScratchRepo;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    schema = await createTestSchema();
    s3 = await startTestS3();
    home = makeTempDir();
    server = await serverIn(join(home.path, 'empty'), ['--store', schema.url, '--artifacts', `s3://${s3.bucket}/team`], s3.env);
    env = { SLUICE_SERVER_URL: server.url, SLUICE_TOKEN: '' };
    first = cloneExample();
    second = cloneExample();
  });
  after(async () => {
    await server?.stop();
    await s3?.close();
    await schema?.drop();
    home?.remove();
    first?.remove();
    second?.remove();
  });

  test('a pipeline run and its metrics recorded in one clone are listed in the other', async () => {
    const ran = await sluiceAsync(first.root, ['run', 'train'], env);
    assert.equal(ran.code, 0, ran.stderr);
    const mine = JSON.parse((await sluiceAsync(first.root, ['runs', 'list', '--json'], env)).stdout) as { runs: { run_id: string }[] };
    const listed = await sluiceAsync(second.root, ['runs', 'list', '--json'], env);
    assert.equal(listed.code, 0, listed.stderr);
    const theirs = JSON.parse(listed.stdout) as { runs: { run_id: string }[] };
    assert.deepEqual(theirs.runs.map((run) => run.run_id), mine.runs.map((run) => run.run_id));
    assert.equal(theirs.runs.length, 1);
    assert.ok(!existsSync(join(second.root, 'sluice.lock')), 'the second clone ran nothing');
    const table = await sluiceAsync(second.root, ['runs', 'list'], env);
    assert.match(table.stdout, new RegExp(mine.runs[0]!.run_id.slice(0, 8)));
  });

  test('a version registered and aliased in one clone is shown in the other, with its hash and lineage', async () => {
    const registered = await sluiceAsync(first.root, ['models', 'register', 'models/candidate.onnx', '--name', 'breast-cancer', '--alias', 'champion', '--json'], env);
    assert.equal(registered.code, 0, registered.stderr);
    const version = JSON.parse(registered.stdout) as { object_id: string; lineage: { stage?: string } | null };
    assert.equal(version.lineage?.stage, 'train', 'lineage found on the server by the file hash');
    const shown = await sluiceAsync(second.root, ['models', 'show', 'breast-cancer', '--json'], env);
    assert.equal(shown.code, 0, shown.stderr);
    const model = JSON.parse(shown.stdout) as { aliases: Record<string, number>; versions: { version: number; object_id: string }[] };
    assert.deepEqual(model.aliases, { champion: 1 });
    assert.deepEqual(model.versions.map((item) => [item.version, item.object_id]), [[1, version.object_id]]);
  });

  test('a gate in the other clone judges its candidate against the champion registered from the first', async () => {
    mkdirSync(join(second.root, 'models'), { recursive: true });
    copyFileSync(CHAMPION, join(second.root, 'models', 'candidate.onnx'));
    const gated = await sluiceAsync(second.root, ['gate', '--summary', 'gate.json'], env);
    assert.ok(gated.code === 0 || gated.code === 1, gated.stderr);
    assert.match(gated.stdout + gated.stderr, /models:\/breast-cancer@champion \(version 1\)/);
    const summary = JSON.parse(readFileSync(join(second.root, 'gate.json'), 'utf8')) as { baseline: Record<string, number> | null };
    assert.ok(summary.baseline && typeof summary.baseline.roc_auc === 'number', 'the champion was fetched through the server and evaluated');
    const audit = await sluiceAsync(first.root, ['audit', '--model', 'breast-cancer'], env);
    assert.match(audit.stdout, /alias\.set/);
  });
});

describe('a team server with tokens', () => {
  test('a reader token lists runs but registering a model is refused with the role it needs', async (t) => {
    const home = makeTempDir();
    t.after(() => home.remove());
    const dir = join(home.path, 'server');
    mkdirSync(dir);
    const server = await serverIn(dir, []);
    t.after(() => server.stop());
    const reader = sluice(dir, ['token', 'create', '--role', 'reader', '--name', 'analyst']);
    assert.equal(reader.code, 0, reader.stderr);
    const clone = cloneExample();
    t.after(() => clone.remove());
    const env = { SLUICE_SERVER_URL: server.url, SLUICE_TOKEN: reader.stdout.trim() };

    const listed = sluice(clone.root, ['runs', 'list'], env);
    assert.equal(listed.code, 0, listed.stderr);
    const refused = sluice(clone.root, ['models', 'register', CHAMPION, '--name', 'breast-cancer'], env);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /Permission denied: .* needs the editor role; this token is a reader\. .*\[SLUICE_HTTP_PERMISSION_DENIED\]/);
    assert.doesNotMatch(refused.stderr, /internal error|at .*\.js:\d+/);
  });
});

describe('a team server that does not answer', () => {
  test('`sluice runs list` fails with exit 3, naming the URL and what to do', async (t) => {
    const home = makeTempDir();
    t.after(() => home.remove());
    const server = await serverIn(join(home.path, 'server'), []);
    await server.stop();
    const clone = cloneExample();
    t.after(() => clone.remove());
    // The server named in the project's config this time, as a team would commit it.
    mkdirSync(join(clone.root, '.sluice'), { recursive: true });
    writeFileSync(join(clone.root, '.sluice', 'config.yaml'), `server:\n  url: ${server.url}\n`);
    const listed = sluice(clone.root, ['runs', 'list'], { SLUICE_SERVER_URL: '' });
    assert.equal(listed.code, 3, listed.stderr);
    assert.ok(listed.stderr.includes(`Cannot reach the Sluice server at ${server.url}`), listed.stderr);
    assert.match(listed.stderr, /connection refused.*Start the server.*\[SLUICE_REMOTE_UNREACHABLE\]/s);
  });

  test('`sluice run` fails before running any stage and leaves no lock file or outputs', async (t) => {
    const home = makeTempDir();
    t.after(() => home.remove());
    const server = await serverIn(join(home.path, 'server'), []);
    await server.stop();
    const clone = cloneExample();
    t.after(() => clone.remove());
    const ran = sluice(clone.root, ['run'], { SLUICE_SERVER_URL: server.url });
    assert.equal(ran.code, 3, ran.stderr);
    assert.doesNotMatch(ran.stderr, /▶/, 'no stage started');
    assert.ok(!existsSync(join(clone.root, 'sluice.lock')));
    assert.ok(!existsSync(join(clone.root, 'data', 'prepared')));
  });

  test('a token in .sluice/config.yaml is refused: tokens come from SLUICE_TOKEN only', (t) => {
    const clone = cloneExample();
    t.after(() => clone.remove());
    mkdirSync(join(clone.root, '.sluice'), { recursive: true });
    writeFileSync(join(clone.root, '.sluice', 'config.yaml'), 'server:\n  url: http://127.0.0.1:9\n  token: s3cret\n');
    const listed = sluice(clone.root, ['runs', 'list'], { SLUICE_SERVER_URL: '' });
    assert.equal(listed.code, 2, listed.stderr);
    assert.match(listed.stderr, /\.sluice\/config\.yaml:3.*token.*SLUICE_TOKEN/s);
  });
});
