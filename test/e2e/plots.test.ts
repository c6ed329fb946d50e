/** `sluice plots show|diff`: the declared plots as one HTML page, or as series in JSON. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { scratchRepo, sluice, type ScratchRepo } from '../support/cli.js';

const HOSTILE = '<script>alert(1)</script>';
/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

const PIPELINE = `stages:
  train:
    cmd: mkdir -p plots && cp src/loss.csv plots/loss.csv && cp src/loss.csv plots/cached.csv && cp src/confusion.png plots/confusion.png
    deps: [src]
    plots:
      - plots/loss.csv
      - plots/cached.csv: {cache: true, y: loss, title: Cached loss}
      - plots/confusion.png
`;

interface SeriesJson {
  name: string;
  x: number[];
  y: number[];
}
type PlotsJson = Record<string, { type: string; charts: { title: string; xLabel: string; series: SeriesJson[] }[]; images: { size: number }[]; errors: string[] }>;

describe('sluice plots', () => {
  let repo: ScratchRepo;
  const page = () => readFileSync(join(repo.root, '.sluice', 'plots', 'index.html'), 'utf8');

  before(() => {
    repo = scratchRepo({ 'sluice.yaml': PIPELINE, 'src/loss.csv': `step,loss,val_loss,${HOSTILE}\n0,1.0,1.2,3\n1,0.5,0.8,2\n2,0.3,0.6,1\n` });
    writeFileSync(join(repo.root, 'src', 'confusion.png'), PNG);
    assert.equal(sluice(repo.root, ['init']).code, 0);
    assert.equal(sluice(repo.root, ['run']).code, 0);
    repo.git('add', '-A');
    repo.git('commit', '-qm', 'first run');
  });
  after(() => repo.remove());

  test('show writes a page with a polyline per y column, named in the chart', () => {
    const result = sluice(repo.root, ['plots', 'show', 'plots/loss.csv']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Wrote \.sluice\/plots\/index\.html/);
    const html = page();
    assert.equal(html.match(/<polyline /g)?.length, 3);
    assert.match(html, />loss</);
    assert.match(html, />val_loss</);
  });

  test('show escapes a hostile column name', () => {
    sluice(repo.root, ['plots', 'show', 'plots/loss.csv']);
    const html = page();
    assert.ok(!html.includes(HOSTILE));
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  });

  test('show embeds an image plot as a data URI', () => {
    assert.equal(sluice(repo.root, ['plots', 'show', 'plots/confusion.png']).code, 0);
    assert.ok(page().includes(`<img src="data:image/png;base64,${PNG.toString('base64')}"`));
  });

  test('show --json gives the parsed series, x from the step column', () => {
    const result = sluice(repo.root, ['plots', 'show', '--json']);
    const plots = JSON.parse(result.stdout) as PlotsJson;
    const [chart] = plots['plots/loss.csv']!.charts;
    assert.equal(chart!.xLabel, 'step');
    assert.deepEqual(chart!.series.map((series) => [series.name, series.x, series.y]), [
      ['loss', [0, 1, 2], [1, 0.5, 0.3]],
      ['val_loss', [0, 1, 2], [1.2, 0.8, 0.6]],
      [HOSTILE, [0, 1, 2], [3, 2, 1]],
    ]);
  });

  test('the declaration\'s y and title choose what is drawn', () => {
    const plots = JSON.parse(sluice(repo.root, ['plots', 'show', 'plots/cached.csv', '--json']).stdout) as PlotsJson;
    assert.deepEqual(plots['plots/cached.csv']!.charts.map((chart) => [chart.title, chart.series.map((series) => series.name)]), [['Cached loss', ['loss']]]);
  });

  test('diff HEAD overlays the committed and the workspace series, labelled', () => {
    const path = join(repo.root, 'plots', 'loss.csv');
    const committed = readFileSync(path, 'utf8');
    try {
      writeFileSync(path, 'step,loss\n0,2.0\n1,1.5\n');
      const result = sluice(repo.root, ['plots', 'diff', 'HEAD', 'plots/loss.csv']);
      assert.equal(result.code, 0, result.stderr);
      const html = page();
      assert.match(html, />HEAD: loss</);
      assert.match(html, />workspace: loss</);
      const plots = JSON.parse(sluice(repo.root, ['plots', 'diff', 'HEAD', 'plots/loss.csv', '--json']).stdout) as PlotsJson;
      const series = plots['plots/loss.csv']!.charts[0]!.series;
      assert.deepEqual(series.filter((entry) => entry.name.endsWith(': loss')).map((entry) => [entry.name, entry.y]), [
        ['HEAD: loss', [1, 0.5, 0.3]],
        ['workspace: loss', [2, 1.5]],
      ]);
    } finally {
      writeFileSync(path, committed);
    }
  });

  test('diff reads a cached plot at the revision through its sluice.lock', () => {
    const plots = JSON.parse(sluice(repo.root, ['plots', 'diff', 'plots/cached.csv', '--json']).stdout) as PlotsJson;
    assert.deepEqual(plots['plots/cached.csv']!.charts[0]!.series.map((series) => series.name), ['HEAD: loss', 'workspace: loss']);
  });

  test('-o naming a file, or a folder under a file, exits 2 saying so, not an internal error', () => {
    for (const out of ['sluice.yaml', 'sluice.yaml/plots']) {
      const result = sluice(repo.root, ['plots', 'show', '-o', out]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /a folder on its path is a file.*SLUICE_CORE_FILE_NOT_WRITABLE/s);
    }
  });

  test('an unknown target exits 2 and names the declared plots', () => {
    const result = sluice(repo.root, ['plots', 'show', 'plots/nope.csv']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /plots\/nope\.csv is not a declared plot\. Declared plots: plots\/loss\.csv, plots\/cached\.csv, plots\/confusion\.png/);
    assert.match(result.stderr, /SLUICE_PIPELINE_PLOT_TARGET_NOT_DECLARED/);
  });
});

describe('sluice plots with unreadable files', () => {
  let repo: ScratchRepo;
  before(() => {
    repo = scratchRepo({
      'sluice.yaml': 'stages:\n  s:\n    cmd: "true"\n    plots: [good.csv, bad.json]\n',
      'good.csv': 'step,acc\n0,0.5\n1,0.7\n',
      'bad.json': '{"acc": 0.9}',
    });
  });
  after(() => repo.remove());

  test('an unparsable plot is reported in the page and the output, and show still exits 0', () => {
    const result = sluice(repo.root, ['plots', 'show']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /bad\.json: Cannot plot bad\.json: it holds no list of records/);
    assert.match(readFileSync(join(repo.root, '.sluice', 'plots', 'index.html'), 'utf8'), /class="error">Cannot plot bad\.json/);
  });

  test('when no plot can be drawn, show exits 2 saying why', () => {
    const result = sluice(repo.root, ['plots', 'show', 'bad.json']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /No plot could be rendered: Cannot plot bad\.json: it holds no list of records/);
  });
});

describe('sluice plots with the reports of built-in stages', () => {
  let repo: ScratchRepo;
  before(() => {
    // What `uses: gate` or `uses: validate` with `report:` declares: a Markdown report as a plot.
    repo = scratchRepo({ 'sluice.yaml': 'stages:\n  s:\n    cmd: "true"\n    plots: [reports/gate.md]\n', 'reports/gate.md': '## Quality gate: passed\n' });
  });
  after(() => repo.remove());

  test('a Markdown report is linked from the page, as an HTML one is, and show exits 0', () => {
    const result = sluice(repo.root, ['plots', 'show', '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual((JSON.parse(result.stdout) as PlotsJson)['reports/gate.md']?.errors, []);
    assert.equal(sluice(repo.root, ['plots', 'show']).code, 0);
    assert.match(readFileSync(join(repo.root, '.sluice', 'plots', 'index.html'), 'utf8'), /<a href="[^"]*reports\/gate\.md">Open reports\/gate\.md<\/a>/);
  });
});
