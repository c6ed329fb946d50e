/** The read-only commands: init, dag, params diff and metrics show/diff against git revisions. */
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { scratchRepo, sluice, type ScratchRepo } from '../support/cli.js';

describe('sluice init', () => {
  test('creates .sluice/config.yaml and ignores the cache, artifacts, logs, prediction logs and database in git, once', () => {
    const repo = scratchRepo({ '.gitignore': 'node_modules/\n' });
    try {
      const first = sluice(repo.root, ['init']);
      assert.equal(first.code, 0);
      assert.match(first.stdout, /Initialised Sluice/);
      assert.ok(existsSync(join(repo.root, '.sluice', 'config.yaml')));
      assert.equal(readFileSync(join(repo.root, '.gitignore'), 'utf8'), 'node_modules/\n/.sluice/cache/\n/.sluice/artifacts/\n/.sluice/logs/\n/.sluice/tmp/\n/.sluice/predictions/\n/.sluice/sluice.db\n/.sluice/sluice.db-*\n');
      assert.match(sluice(repo.root, ['init']).stdout, /already initialised/);
      assert.equal(repo.git('status', '--porcelain', '--untracked-files=all').split('\n').filter(Boolean).sort().join(','), ' M .gitignore,?? .sluice/config.yaml');
    } finally {
      repo.remove();
    }
  });

  test('a .sluice file or a .gitignore folder is a clear error (exit 2), and a symlinked .gitignore is updated where it points', () => {
    const repo = scratchRepo({ '.sluice': 'not a folder\n', 'shared/ignore': 'node_modules/\n' });
    try {
      const file = sluice(repo.root, ['init']);
      assert.equal(file.code, 2, file.stderr);
      assert.match(file.stderr, /\.sluice is a file, where Sluice keeps its folder.*\[SLUICE_WORKSPACE_DIR_IS_FILE\]/);
      rmSync(join(repo.root, '.sluice'));
      mkdirSync(join(repo.root, '.gitignore'));
      const folder = sluice(repo.root, ['init']);
      assert.equal(folder.code, 2, folder.stderr);
      assert.match(folder.stderr, /Cannot read \.gitignore: it is a directory/);
      rmSync(join(repo.root, '.gitignore'), { recursive: true });
      symlinkSync('shared/ignore', join(repo.root, '.gitignore'));
      assert.equal(sluice(repo.root, ['init']).code, 0);
      assert.ok(lstatSync(join(repo.root, '.gitignore')).isSymbolicLink(), 'the link is kept');
      assert.match(readFileSync(join(repo.root, 'shared', 'ignore'), 'utf8'), /^node_modules\/\n\/\.sluice\/cache\/$/m);
    } finally {
      repo.remove();
    }
  });
});

describe('params and metrics across revisions', () => {
  let repo: ScratchRepo;
  before(() => {
    repo = scratchRepo({
      'sluice.yaml': 'stages:\n  train:\n    cmd: sh train.sh ${train.lr} ${train.epochs}\n    deps: [train.sh]\n    metrics: [metrics.json]\n',
      'params.yaml': 'train:\n  lr: 0.1\n  epochs: 10\n',
      'train.sh': 'echo "{\\"accuracy\\": $(awk "BEGIN { print 0.9 + $1 }"), \\"epochs\\": $2, \\"model\\": \\"lr\\"}" > metrics.json\n',
    });
    assert.equal(sluice(repo.root, ['run']).code, 0);
    repo.git('add', '-A');
    repo.git('commit', '-qm', 'baseline');
    writeFileSync(join(repo.root, 'params.yaml'), 'train:\n  lr: 0.05\n  epochs: 10\n');
    assert.equal(sluice(repo.root, ['run']).code, 0);
  });
  after(() => repo.remove());

  test('params diff shows only the changed param, HEAD against the workspace', () => {
    const result = sluice(repo.root, ['params', 'diff']);
    assert.equal(result.stdout, 'Path         Param     HEAD  workspace\nparams.yaml  train.lr  0.1   0.05\n');
  });

  test('params diff --all --json lists every param for machines', () => {
    const result = JSON.parse(sluice(repo.root, ['params', 'diff', '--all', '--json']).stdout) as { params: { key: string; old: unknown; new: unknown }[] };
    assert.deepEqual(result.params.map((row) => [row.key, row.old, row.new]), [['train.epochs', 10, 10], ['train.lr', 0.1, 0.05]]);
  });

  test('params diff between two revisions', () => {
    repo.git('add', '-A');
    repo.git('commit', '-qm', 'lower lr');
    const result = sluice(repo.root, ['params', 'diff', 'HEAD~1', 'HEAD']);
    assert.match(result.stdout, /train\.lr\s+0\.1\s+0\.05/);
    repo.git('reset', '-q', '--soft', 'HEAD~1');
  });

  test('metrics diff shows old, new and the change, numbers only for numbers', () => {
    const result = sluice(repo.root, ['metrics', 'diff']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'Path          Metric    HEAD  workspace  Change\nmetrics.json  accuracy  1     0.95       -0.05\n');
  });

  test('metrics diff --json carries the change as a number', () => {
    const result = JSON.parse(sluice(repo.root, ['metrics', 'diff', 'HEAD', '--json']).stdout) as { metrics: { key: string; change: number }[] };
    assert.deepEqual(result.metrics, [{ path: 'metrics.json', key: 'accuracy', old: 1, new: 0.95, change: -0.05 }]);
  });

  test('metrics show flattens every metrics file', () => {
    assert.equal(sluice(repo.root, ['metrics', 'show']).stdout, 'Path          Metric    Value\nmetrics.json  accuracy  0.95\nmetrics.json  epochs    10\nmetrics.json  model     lr\n');
  });

  test('metrics show --targets naming a folder or a file that is not metrics exits 2 with what is wrong, not an internal error', () => {
    mkdirSync(join(repo.root, 'reports'), { recursive: true });
    writeFileSync(join(repo.root, 'broken.json'), '{"accuracy": ');
    const folder = sluice(repo.root, ['metrics', 'show', '--targets', 'reports', '--json']);
    assert.equal(folder.code, 2, folder.stderr);
    assert.match(folder.stderr, /Cannot read reports: it is a directory.*\[SLUICE_CORE_FILE_NOT_READABLE\]/);
    assert.equal(folder.stdout, '');
    const broken = sluice(repo.root, ['metrics', 'show', '--targets', 'broken.json']);
    assert.equal(broken.code, 2, broken.stderr);
    assert.match(broken.stderr, /Cannot read metrics from broken\.json.*\[SLUICE_PIPELINE_BAD_METRICS_FILE\]/);
  });

  test('an unknown revision is a clear error', () => {
    const result = sluice(repo.root, ['metrics', 'diff', 'no-such-branch']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /"no-such-branch" is not a commit in this repository/);
  });

  test('dag --json lists stages with their deps, outs and params', () => {
    const dag = JSON.parse(sluice(repo.root, ['dag', '--json']).stdout) as { stages: { name: string; outs: { kind: string }[]; params: { key: string }[] }[]; edges: unknown[] };
    assert.deepEqual(dag.stages.map((stage) => [stage.name, stage.outs.map((out) => out.kind), stage.params.map((param) => param.key)]), [
      ['train', ['metrics'], ['train.lr', 'train.epochs']],
    ]);
    assert.deepEqual(dag.edges, []);
  });

  test('dag --dot prints a graph Graphviz reads', () => {
    assert.equal(sluice(repo.root, ['dag', '--dot']).stdout, 'digraph pipeline {\n  rankdir=TB;\n  node [shape=box];\n  "train";\n}\n');
  });

  test('two output formats at once (dag --dot --mermaid) is a usage error, not one of them silently', () => {
    const result = sluice(repo.root, ['dag', '--dot', '--mermaid']);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /--mermaid, --dot each choose the output format: give one of them/);
  });
});
