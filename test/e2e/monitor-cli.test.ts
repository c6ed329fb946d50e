/**
 * `sluice monitor` on a deployed environment, end to end: the drifted breast-cancer rows replayed
 * through `sluice serve --env production` with their labels as feedback (`sluice monitor
 * replay`), then `sluice monitor run` closes a window, measures live accuracy, raises one
 * drift alert naming the three shifted columns, delivers it to a webhook listener and records it;
 * a second run judges nothing twice; history and alerts list what was stored, and `report`
 * draws it as an HTML page.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { scratchRepo, sluice, sluiceAsync, type ScratchRepo } from '../support/cli.js';
import { environmentRepo } from '../support/environment.js';
import { sharedFixture } from '../support/fixtures.js';
import { allElements, parseXml, svgFragments } from '../support/xml.js';
import { startServe } from '../support/serve.js';

const CHROMIUM = '/usr/bin/chromium';
/** Run in the report by headless Chromium: the page's title and each chart's laid-out size, as JSON in a <pre>. */
const SIZE_PROBE = `const charts = [...document.querySelectorAll('svg')].map((svg) => { const box = svg.getBoundingClientRect(); return { label: svg.getAttribute('aria-label'), width: box.width, height: box.height }; });
const pre = document.createElement('pre'); pre.id = 'probe'; pre.textContent = JSON.stringify({ title: document.title, charts }); document.body.append(pre);`;

const received: unknown[] = [];
const listener = createServer(async (request: IncomingMessage, response) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
  response.writeHead(204).end();
});

let repo: ScratchRepo;
before(async () => {
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const hook = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/hook`;
  repo = environmentRepo(`deploy:
  production: {model: bc, port: 0}
monitor:
  production:
    window: {every: 171 predictions, min_rows: 100}
    reference: ${sharedFixture('breast_cancer', 'train.csv')}
    checks:
      data_drift: {method: ks, drift_share: 0.1}
      prediction_drift: {method: psi, threshold: 0.25}
      data_quality: {max_missing_share: 0.05}
      performance: {metric: accuracy, min_labels: 50}
    alerts:
      - {name: drift, when: data_drift.dataset_drift, severity: warning, notify: [{webhook: "${hook}"}], actions: [{incident: {file: incidents/drift.md}}]}
`);
  // The monitor runs from the command here (as from cron), not in the server.
  const server = await startServe(repo.root, ['--env', 'production', '--no-monitor']);
  try {
    const replay = await sluiceAsync(repo.root, ['monitor', 'replay', '--env', 'production', '--data', sharedFixture('breast_cancer', 'current_drifted.csv'), '--labels', 'target', '--url', server.url]);
    assert.equal(replay.code, 0, replay.stderr);
    assert.match(replay.stdout, /Replayed 171 of 171 rows to http:\/\/127\.0\.0\.1:\d+ in [\d.]+ s, 171 labels posted as feedback\./);
  } finally {
    await server.stop();
  }
});
after(async () => {
  await new Promise<void>((resolve) => listener.close(() => resolve()));
  repo?.remove();
});

describe('sluice monitor on a deployed environment', () => {
  test('run closes the window, raises one drift alert naming the shifted columns and delivers it', async () => {
    const result = await sluiceAsync(repo.root, ['monitor', 'run', '--env', 'production', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const [report] = JSON.parse(result.stdout) as { windows: { rows: number; results: { check: string; status: string; values: { drifted?: string[] } }[] }[]; alerts: { rule: string; message: string }[]; version: string }[];
    assert.equal(report!.version, 'models:/bc/1');
    assert.equal(report!.windows.length, 1);
    assert.equal(report!.windows[0]!.rows, 171);
    const drift = report!.windows[0]!.results.find((each) => each.check === 'data_drift')!;
    assert.deepEqual([...drift.values.drifted!].sort(), ['mean_area', 'mean_radius', 'mean_texture']);
    assert.ok(report!.windows[0]!.results.some((each) => each.check === 'prediction_drift' && each.status !== 'not_enough_data'));
    const performance = report!.windows[0]!.results.find((each) => each.check === 'performance')! as unknown as { values: { labels: number; accuracy: number } };
    assert.equal(performance.values.labels, 171);
    assert.ok(performance.values.accuracy > 0.5 && performance.values.accuracy <= 1);
    assert.deepEqual(report!.alerts.map((alert) => alert.rule), ['drift']);
    assert.equal(received.length, 1);
    assert.match((received[0] as { message: string }).message, /mean_radius/);
    const note = readFileSync(join(repo.root, 'incidents', 'drift.md'), 'utf8');
    assert.match(note, /^# warning: drift on production/);
    assert.match(note, /\| mean_texture \| ks \|/);
  });

  test('a second run judges nothing twice and raises nothing', async () => {
    const result = await sluiceAsync(repo.root, ['monitor', 'run', '--env', 'production']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /production \(models:\/bc\/1, reference .*train\.csv\): no complete window yet/);
    assert.equal(received.length, 1);
  });

  test('a monitor that cannot run does not stop the others: each failure is named and sets the exit code', () => {
    const yaml = readFileSync(join(repo.root, 'sluice.yaml'), 'utf8');
    // staging serves a model nobody registered: its monitor has nothing to judge against.
    writeFileSync(join(repo.root, 'sluice.yaml'), yaml.replace('deploy:\n', 'deploy:\n  staging: {model: ghost, port: 0}\n').replace('monitor:\n', `monitor:\n  staging:\n    window: {every: 100 predictions}\n    reference: ${sharedFixture('breast_cancer', 'train.csv')}\n    checks: {data_drift: {method: ks}}\n`));
    try {
      const result = sluice(repo.root, ['monitor', 'run']);
      assert.equal(result.code, 2, `${result.stdout}\n${result.stderr}`);
      assert.match(result.stdout, /production \(models:\/bc\/1, reference .*train\.csv\): no complete window yet/, result.stderr);
      assert.match(result.stderr, /^sluice: the monitor of staging did not run: The environment "staging" serves no version yet.*SLUICE_MONITOR_NOTHING_SERVED/m);
    } finally {
      writeFileSync(join(repo.root, 'sluice.yaml'), yaml);
    }
  });

  test('history, status and alerts show what was stored; the alert is in the audit log', () => {
    const history = sluice(repo.root, ['monitor', 'history', '--env', 'production']);
    assert.equal(history.code, 0, history.stderr);
    assert.match(history.stdout, /171 rows, version 1\n  data_drift +FAILED +dataset drift: 3 of 30 columns drifted/);
    const status = sluice(repo.root, ['monitor', 'status', '--json']);
    assert.equal((JSON.parse(status.stdout) as { window: { rows: number } }[])[0]!.window.rows, 171);
    const alerts = sluice(repo.root, ['monitor', 'alerts', '--env', 'production']);
    assert.match(alerts.stdout, /warning: drift on production/);
    const audit = sluice(repo.root, ['audit', '--json']);
    assert.match(audit.stdout, /monitor\.alert/);
  });

  test('report writes a self-contained HTML page of the stored window, and Markdown beside it', () => {
    const result = sluice(repo.root, ['monitor', 'report', '--html', 'monitor.html', '--markdown', 'monitor.md', '--since', '7d']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'Wrote the report of production (1 window, 1 alert) to monitor.html and monitor.md.\n');
    const html = readFileSync(join(repo.root, 'monitor.html'), 'utf8');
    assert.doesNotMatch(html, /<script|<link|\bsrc=/);
    const charts = svgFragments(html).map((svg) => parseXml(svg));
    const labels = charts.map((svg) => svg.attributes['aria-label']);
    for (const label of ['Drifted share of columns', 'Live accuracy (95 % interval)', 'Prediction drift (psi)', 'Data quality', 'Rows per window']) assert.ok(labels.includes(label), label);
    const heatmap = charts.find((svg) => svg.attributes['aria-label']!.startsWith('Drift by column'))!;
    const flagged = allElements(heatmap).filter((element) => element.attributes.class === 'cell flagged');
    assert.deepEqual(flagged.map((cell) => cell.children[0]!.text.split(',')[0]).sort(), ['mean_area', 'mean_radius', 'mean_texture']);
    assert.match(html, /<td>drift<\/td><td>warning<\/td><td>warning: drift on production/);
    assert.match(html, /<td>data_drift<\/td><td>FAILED<\/td><td>dataset drift: 3 of 30 columns drifted/);
    assert.match(readFileSync(join(repo.root, 'monitor.md'), 'utf8'), /\| [\d-]+ [\d:]+Z \| 171 \| 0\.1 \| yes \|/);
  });

  test('the report renders in headless Chromium: every chart has a size, and its CSP stops a script it did not allow', { skip: existsSync(CHROMIUM) ? false : `no ${CHROMIUM} on this machine` }, () => {
    // The page runs no script, so the probe is let in by a nonce added to the page's own policy;
    // a second script without it must not run.
    const html = readFileSync(join(repo.root, 'monitor.html'), 'utf8')
      .replace("default-src 'none';", "default-src 'none'; script-src 'nonce-probe';")
      .replace('</body>', `<script>document.title = 'injected';</script><script nonce="probe">${SIZE_PROBE}</script></body>`);
    writeFileSync(join(repo.root, 'probe.html'), html);
    const profile = mkdtempSync(join(tmpdir(), 'sluice-chromium-'));
    try {
      const result = spawnSync(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', `--user-data-dir=${profile}`, '--dump-dom', pathToFileURL(join(repo.root, 'probe.html')).href], { encoding: 'utf8', timeout: 90_000 });
      const probe = /<pre id="probe">(.*?)<\/pre>/.exec(result.stdout);
      assert.ok(probe, `no probe output: ${result.stderr.slice(-2000)}`);
      const { title, charts } = JSON.parse(probe[1]!.replaceAll('&quot;', '"').replaceAll('&amp;', '&')) as { title: string; charts: { label: string; width: number; height: number }[] };
      assert.equal(title, 'Monitor of production', 'the script without the nonce was blocked');
      assert.ok(charts.length >= 6, JSON.stringify(charts));
      for (const chart of charts) assert.ok(chart.width > 100 && chart.height > 100, JSON.stringify(chart));
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  });

  test('report refuses a duration it cannot read and a call that writes nothing', () => {
    const since = sluice(repo.root, ['monitor', 'report', '--html', 'r.html', '--since', 'a week']);
    assert.equal(since.code, 2);
    assert.match(since.stderr, /--since must be a duration like 30m, 12h or 7d, not "a week"/);
    const nothing = sluice(repo.root, ['monitor', 'report']);
    assert.equal(nothing.code, 2);
    assert.match(nothing.stderr, /give --html FILE, --markdown FILE or --json/);
  });

  test('a check naming a column the served model does not take is refused at its line, with the closest input', () => {
    const yaml = readFileSync(join(repo.root, 'sluice.yaml'), 'utf8');
    writeFileSync(join(repo.root, 'sluice.yaml'), yaml.replace('data_drift: {method: ks, drift_share: 0.1}', 'data_drift: {method: ks, drift_share: 0.1, columns: [mean_radius, mean_radiu]}'));
    try {
      const result = sluice(repo.root, ['monitor', 'run', '--env', 'production']);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /sluice\.yaml:\d+:\d+/);
      assert.match(result.stderr, /names column "mean_radiu" in data_drift\.columns, but models:\/bc\/1 takes no such input/);
      assert.match(result.stderr, /Did you mean "mean_radius"\?/);
    } finally {
      writeFileSync(join(repo.root, 'sluice.yaml'), yaml);
    }
  });

  test('schedule refuses a cron that never fires and a monitor that is not declared (exit 2), before running anything', () => {
    const never = sluice(repo.root, ['monitor', 'schedule', '--cron', '0 0 31 2 *']);
    assert.equal(never.code, 2, never.stderr);
    assert.match(never.stderr, /names no time that ever comes.*SLUICE_MONITOR_INVALID_CRON/s);
    const unknown = sluice(repo.root, ['monitor', 'schedule', '--cron', '* * * * * *', '--env', 'nope']);
    assert.equal(unknown.code, 2, unknown.stderr);
    assert.match(unknown.stderr, /declares no monitor "nope".*SLUICE_MONITOR_NOT_FOUND/s);
  });

  test('replay to an environment nothing serves says so (exit 2), not an internal error', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const result = sluice(repo.root, ['monitor', 'replay', '--env', 'production', '--data', sharedFixture('breast_cancer', 'test.csv'), '--url', `http://127.0.0.1:${port}`]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, new RegExp(`nothing answered at http://127\\.0\\.0\\.1:${port}/predict \\(ECONNREFUSED\\).*sluice serve --env.*SLUICE_MONITOR_REPLAY_FAILED`, 's'));
  });

  test('replay to an environment whose port is chosen at start asks for --url (exit 2) instead of calling port 0', () => {
    const result = sluice(repo.root, ['monitor', 'replay', '--env', 'production', '--data', sharedFixture('breast_cancer', 'test.csv')]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /listens on a port chosen when its server starts \(port: 0 in sluice\.yaml\).*pass --url/);
  });

  test('a monitor that is not declared is refused, naming the declared ones', () => {
    const result = sluice(repo.root, ['monitor', 'history', '--env', 'staging']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /declares no monitor "staging"/);
  });
});

describe('sluice monitor without monitors', () => {
  test('run and schedule in a workspace that declares no monitor are configuration errors (exit 2)', () => {
    const bare = scratchRepo({ 'sluice.yaml': 'stages: {}\n' });
    try {
      assert.equal(sluice(bare.root, ['init']).code, 0);
      for (const args of [['monitor', 'run'], ['monitor', 'schedule', '--cron', '* * * * * *']]) {
        const result = sluice(bare.root, args);
        assert.equal(result.code, 2, result.stderr);
        assert.match(result.stderr, /has nothing to run: sluice\.yaml has no monitor: section\..*SLUICE_MONITOR_NONE_DECLARED/s);
      }
    } finally {
      bare.remove();
    }
  });
});

describe('sluice monitor with a mistake in monitor:', () => {
  const DEPLOY = 'stages: {}\ndeploy:\n  production: {model: bc, port: 0}\nmonitor:\n';

  /** `sluice monitor run` in a fresh workspace whose sluice.yaml declares `monitor`. */
  function runWith(monitor: string): { code: number | null; stderr: string } {
    const bare = scratchRepo({ 'sluice.yaml': DEPLOY + monitor });
    try {
      assert.equal(sluice(bare.root, ['init']).code, 0);
      return sluice(bare.root, ['monitor', 'run']);
    } finally {
      bare.remove();
    }
  }

  test('a monitor naming an unknown environment exits 2 at its line, with the closest environment', () => {
    // Line 5: the monitor's key.
    const result = runWith('  prodution:\n    window: {every: 100 predictions}\n    checks: {data_drift: {}}\n');
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /^sluice: sluice\.yaml:5:3: The monitor "prodution" names no environment of deploy: \(it declares production\)\. Did you mean "production"\?.*\[SLUICE_MONITOR_UNKNOWN_ENVIRONMENT\]$/m);
  });

  test('a check naming an unknown metric exits 2 at its line, with the closest metric', () => {
    // Line 8: the performance check's metric.
    const result = runWith('  production:\n    window: {every: 100 predictions}\n    checks:\n      performance: {metric: acuracy, min: 0.9}\n');
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /^sluice: sluice\.yaml:8:\d+: The performance check cannot measure "acuracy": it is not an evaluation metric\. Did you mean "accuracy"\?.*\[SLUICE_MONITOR_UNKNOWN_METRIC\]$/m);
  });
});
