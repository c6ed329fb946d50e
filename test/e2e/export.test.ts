/**
 * `sluice export argo` and `sluice export k8s-worker` as a user runs them, in a clone of the
 * example project: the files they write, and the clear refusals when the workspace lacks what a
 * cluster needs.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { workflowErrors, kubernetesErrors, yamlObjects } from '../../src/export/export-test-support.js';
import type { Deployment, ServiceAccount, Workflow } from '../../src/export/index.js';
import { buildGraph, dagEdges, loadPipeline } from '../../src/pipeline/index.js';
import { scratchRepo, sluice, type ScratchRepo } from '../support/cli.js';
import { REPO_ROOT } from '../support/fixtures.js';

const S3_REMOTE = 'remotes:\n  shared: {url: "s3://team-cache/bc", region: eu-west-1}\ndefault_remote: shared\n';

let repo: ScratchRepo;
before(() => {
  repo = scratchRepo({ 'README.md': 'The example pipeline, run on a cluster.\n' });
  cpSync(join(REPO_ROOT, 'examples', 'pipeline'), repo.root, { recursive: true });
  assert.equal(sluice(repo.root, ['init']).code, 0);
  writeFileSync(join(repo.root, '.sluice', 'config.yaml'), S3_REMOTE);
  repo.git('add', '-A');
  repo.git('commit', '-qm', 'example pipeline with a shared cache');
  repo.git('remote', 'add', 'origin', 'https://ci-bot:s3cret@git.example.com/acme/bc.git');
});
after(() => repo?.remove());

describe('sluice export argo', () => {
  test('writes a valid Workflow of the pipeline at the current commit, with its edges, and no credentials from the git URL', () => {
    const out = join(repo.outside, 'argo.yaml');
    const result = sluice(repo.root, ['export', 'argo', '--image', 'registry.example.com/ml/bc:7', '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /credentials; they were left out/);
    const text = readFileSync(out, 'utf8');
    assert.doesNotMatch(text, /s3cret/);
    const [workflow] = yamlObjects(text) as [Workflow];
    assert.deepEqual(workflowErrors(workflow), []);
    assert.equal(workflow.spec.arguments.parameters.find((parameter) => parameter.name === 'revision')?.value, repo.git('rev-parse', 'HEAD').trim());
    assert.equal(workflow.spec.arguments.parameters.find((parameter) => parameter.name === 'repository')?.value, 'https://git.example.com/acme/bc.git');
    const dependencies = workflow.spec.templates.flatMap((template) => ('dag' in template ? template.dag.tasks.flatMap((task) => task.dependencies ?? []) : []));
    assert.equal(dependencies.length, dagEdges(buildGraph(loadPipeline(repo.root))).length);
    assert.match(result.stdout, /6 stages, 6 dependencies/);
  });

  test('--out - prints the Workflow on stdout (for | argo submit -) and writes no file named -', () => {
    const result = sluice(repo.root, ['export', 'argo', '--out', '-']);
    assert.equal(result.code, 0, result.stderr);
    const [workflow] = yamlObjects(result.stdout) as [Workflow];
    assert.deepEqual(workflowErrors(workflow), []);
    assert.equal(existsSync(join(repo.root, '-')), false);
  });

  test('names the remote to stage run when --remote is given', () => {
    const out = join(repo.outside, 'named.yaml');
    const result = sluice(repo.root, ['export', 'argo', '--remote', 'shared', '--name', 'bc-nightly', '--out', out, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const { workflow } = JSON.parse(result.stdout) as { workflow: Workflow };
    assert.equal(workflow.metadata.generateName, 'bc-nightly-');
    const stage = workflow.spec.templates.find((template) => 'container' in template)!;
    assert.deepEqual('container' in stage ? stage.container.args.slice(-2) : [], ['--remote', 'shared']);
  });

  test('refuses a remote the commit does not have, which the pods never see', () => {
    writeFileSync(join(repo.root, '.sluice', 'config.yaml'), 'remotes:\n  fresh: {url: "s3://team-cache/new"}\ndefault_remote: fresh\n');
    try {
      const result = sluice(repo.root, ['export', 'argo', '--out', join(repo.outside, 'uncommitted.yaml')]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /remote "fresh" is not in the committed \.sluice\/config\.yaml as it is in the working copy/);
    } finally {
      writeFileSync(join(repo.root, '.sluice', 'config.yaml'), S3_REMOTE);
    }
  });

  test('refuses a workspace whose remote is a directory, which pods cannot share', () => {
    writeFileSync(join(repo.root, '.sluice', 'config.yaml'), 'remotes:\n  local: {url: ../cache}\ndefault_remote: local\n');
    try {
      const result = sluice(repo.root, ['export', 'argo', '--out', join(repo.outside, 'x.yaml')]);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /remote "local" is the directory \.\.\/cache/);
      assert.match(result.stderr, /sluice remote add NAME s3:\/\/bucket\/prefix --default/);
    } finally {
      writeFileSync(join(repo.root, '.sluice', 'config.yaml'), S3_REMOTE);
    }
  });

  test('refuses a project without a pipeline', () => {
    const empty = scratchRepo({ 'README.md': 'nothing to run\n' });
    try {
      assert.equal(sluice(empty.root, ['init']).code, 0);
      const result = sluice(empty.root, ['export', 'argo', '--out', join(empty.outside, 'x.yaml')]);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /no sluice\.yaml/);
    } finally {
      empty.remove();
    }
  });

  test('refuses a workflow name Kubernetes would not accept', () => {
    const result = sluice(repo.root, ['export', 'argo', '--name', 'BC_Nightly', '--out', join(repo.outside, 'x.yaml')]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /"BC_Nightly" cannot be the workflow name: it has uppercase letters/);
  });
});

describe('sluice export k8s-worker', () => {
  test('writes a valid ServiceAccount and Deployment of sluice worker', () => {
    const out = join(repo.outside, 'worker.yaml');
    const result = sluice(repo.root, ['export', 'k8s-worker', '--replicas', '4', '--labels', 'gpu,pool=highmem', '--gpu', '1', '--queue', 'redis://redis:6379', '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    const [serviceAccount, deployment] = yamlObjects(readFileSync(out, 'utf8')) as [ServiceAccount, Deployment];
    assert.deepEqual([...kubernetesErrors(serviceAccount), ...kubernetesErrors(deployment)], []);
    assert.equal(deployment.spec.replicas, 4);
    assert.deepEqual(deployment.spec.template.spec.containers[0]!.args, ['worker', '--queue', '$(SLUICE_QUEUE_URL)', '--concurrency', '1', '--remote', 'shared', '--labels', 'gpu,pool=highmem']);
  });

  test('refuses what sluice worker would refuse in the pods: a queue URL it cannot use, more than 6 labels', () => {
    const out = join(repo.outside, 'refused-worker.yaml');
    const tls = sluice(repo.root, ['export', 'k8s-worker', '--queue', 'rediss://redis:6379', '--out', out]);
    assert.equal(tls.code, 2, tls.stderr);
    const prefix = sluice(repo.root, ['export', 'k8s-worker', '--queue', 'redis://redis:6379?prefix=a:b', '--out', out]);
    assert.equal(prefix.code, 2, prefix.stderr);
    assert.match(prefix.stderr, /the prefix is letters, digits/);
    const labels = sluice(repo.root, ['export', 'k8s-worker', '--labels', 'a,b,c,d,e,f,g', '--out', out]);
    assert.equal(labels.code, 2, labels.stderr);
    assert.match(labels.stderr, /at most 6 labels/);
    assert.equal(existsSync(out), false);
  });

  test('passes the remote --remote names to the workers', () => {
    writeFileSync(join(repo.root, '.sluice', 'config.yaml'), 'remotes:\n  shared: {url: "s3://team-cache/bc", region: eu-west-1}\n  other: {url: "s3://team-cache/other"}\ndefault_remote: shared\n');
    repo.git('commit', '-qam', 'a second remote');
    const result = sluice(repo.root, ['export', 'k8s-worker', '--remote', 'other', '--out', '-']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /- --remote\n\s+- other\n/);
  });

  test('warns that a password in --queue is written into the manifest in plain text', () => {
    const result = sluice(repo.root, ['export', 'k8s-worker', '--queue', 'redis://:s3cret@redis:6379', '--out', join(repo.outside, 'password.yaml')]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /warning: the --queue URL holds a password, which is now in the manifest in plain text/);
  });

  test('refuses a label in another format, saying which formats work', () => {
    const result = sluice(repo.root, ['export', 'k8s-worker', '--labels', 'gpu,big mem', '--out', join(repo.outside, 'x.yaml')]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /"big mem" is not a worker label/);
    assert.match(result.stderr, /--labels gpu,bigmem/);
  });

  test('refuses a repository the pods cannot clone, an --out naming a folder, and a memory size without its unit', () => {
    const out = join(repo.outside, 'refused.yaml');
    const notUrl = sluice(repo.root, ['export', 'k8s-worker', '--repository', 'not a url', '--out', out]);
    assert.equal(notUrl.code, 2, notUrl.stderr);
    assert.match(notUrl.stderr, /The pods cannot clone "not a url": it is not a git URL/);
    const local = sluice(repo.root, ['export', 'k8s-worker', '--repository', repo.root, '--out', out]);
    assert.equal(local.code, 2, local.stderr);
    assert.match(local.stderr, /it is a folder on this machine, which the pods do not have/);
    const folder = sluice(repo.root, ['export', 'k8s-worker', '--out', `${repo.outside}/`]);
    assert.equal(folder.code, 2, folder.stderr);
    assert.match(folder.stderr, /--out names the manifest file, not a folder/);
    const bytes = sluice(repo.root, ['export', 'k8s-worker', '--memory', '512', '--out', out]);
    assert.equal(bytes.code, 2, bytes.stderr);
    assert.match(bytes.stderr, /--memory must be a size with its unit/);
    assert.equal(existsSync(out), false);
    for (const url of ['git@github.com:acme/bc.git', 'github.com:acme/bc.git', 'ssh://git@git.example.com:2222/acme/bc.git', 'https://git.example.com:8443/acme/bc.git']) {
      const accepted = sluice(repo.root, ['export', 'k8s-worker', '--repository', url, '--out', out]);
      assert.equal(accepted.code, 0, `${url}: ${accepted.stderr}`);
    }
  });
});
