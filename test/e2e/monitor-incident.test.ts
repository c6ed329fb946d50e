/**
 * The `incident` action end to end: the drifted breast-cancer rows served twice through
 * `sluice serve --env` close two drifted windows; one `sluice monitor run` raises an alert on each
 * (cool-down 0s), and each alert's Markdown incident note is posted to a webhook listener in this
 * test and written to a file. A note says what drifted and by how much (the window's stored
 * scores), since when (the first window of the run the rule holds on), and shows the first rows
 * of its window exactly as they were served.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sluice, sluiceAsync, type ScratchRepo } from '../support/cli.js';
import { environmentRepo } from '../support/environment.js';
import { sharedFixture } from '../support/fixtures.js';
import { markdownTables } from '../support/markdown.js';
import { startServe } from '../support/serve.js';

interface Posted {
  readonly contentType: string | undefined;
  readonly body: string;
}

const posted: Posted[] = [];
const listener = createServer(async (request: IncomingMessage, response) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  posted.push({ contentType: request.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
  response.writeHead(204).end();
});

interface StoredWindow {
  id: string;
  startedAt: number;
  endedAt: number;
  results: { check: string; values: { columns: Record<string, { statistic: number; p_value: number; drifted: boolean }> } }[];
}

let repo: ScratchRepo;
/** The two windows, oldest first, and what the monitor run reported. */
let windows: StoredWindow[];
let run: { alerts: { windowId: string }[]; deliveries: { actions: { action: string; ok: boolean; message: string }[] }[] };

/** Each logged request's time and inputs, by request id. */
function loggedRequests(): Map<string, { time: number; inputs: Record<string, unknown> }> {
  const dir = join(repo.root, '.sluice', 'predictions', 'environments', 'production');
  const logged = new Map<string, { time: number; inputs: Record<string, unknown> }>();
  for (const file of readdirSync(dir).filter((name) => name.startsWith('predictions-'))) {
    for (const line of readFileSync(join(dir, file), 'utf8').trim().split('\n')) {
      const record = JSON.parse(line) as { request_id: string; timestamp: string; inputs: Record<string, unknown>[] };
      logged.set(record.request_id, { time: Date.parse(record.timestamp), inputs: record.inputs[0]! });
    }
  }
  return logged;
}

/** The rows of the Markdown table that follows `heading` in a note. */
function tableAfter(note: string, heading: RegExp): Record<string, string>[] {
  const at = note.search(heading);
  assert.ok(at >= 0, `${heading} in the note:\n${note}`);
  const [table] = markdownTables(note.slice(at));
  assert.ok(table, `a table after ${heading}`);
  return table.rows.map((cells) => Object.fromEntries(table.header.map((name, k) => [name, cells[k]!])));
}

before(async () => {
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const hook = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/incident`;
  repo = environmentRepo(`deploy:
  production: {model: bc, port: 0}
monitor:
  production:
    window: {every: 171 predictions, min_rows: 100}
    reference: ${sharedFixture('breast_cancer', 'train.csv')}
    checks:
      data_drift: {method: ks, drift_share: 0.1}
    alerts:
      - {name: drift, when: data_drift.dataset_drift, severity: warning, cooldown: 0s, actions: [{incident: {webhook: "${hook}", file: incidents/drift.md}}]}
`);
  const server = await startServe(repo.root, ['--env', 'production', '--no-monitor', '--quiet']);
  try {
    // One replay after the other: the windows do not overlap in time.
    for (let k = 0; k < 2; k++) {
      const replay = await sluiceAsync(repo.root, ['monitor', 'replay', '--env', 'production', '--data', sharedFixture('breast_cancer', 'current_drifted.csv'), '--url', server.url]);
      assert.equal(replay.code, 0, replay.stderr);
    }
  } finally {
    await server.stop();
  }
  const result = await sluiceAsync(repo.root, ['monitor', 'run', '--env', 'production', '--json']);
  assert.equal(result.code, 0, result.stderr);
  run = (JSON.parse(result.stdout) as (typeof run)[])[0]!;
  const history = sluice(repo.root, ['monitor', 'history', '--env', 'production', '--json']);
  assert.equal(history.code, 0, history.stderr);
  windows = (JSON.parse(history.stdout) as StoredWindow[]).reverse();
});
after(async () => {
  await new Promise<void>((resolve) => listener.close(() => resolve()));
  repo?.remove();
});

describe('the incident note of a drift alert', () => {
  test('each alert\'s note is posted to the webhook as Markdown and the latest is in the file', () => {
    assert.equal(windows.length, 2);
    assert.deepEqual(run.alerts.map((alert) => alert.windowId), windows.map((window) => window.id));
    for (const delivery of run.deliveries) assert.deepEqual(delivery.actions.map((action) => [action.action, action.ok]), [['incident', true]], JSON.stringify(delivery.actions));
    assert.equal(posted.length, 2);
    for (const note of posted) assert.equal(note.contentType, 'text/markdown; charset=utf-8');
    assert.match(posted[0]!.body, new RegExp(`^# warning: drift on production\n\nRaised \\S+ on window \`${windows[0]!.id}\``));
    assert.equal(readFileSync(join(repo.root, 'incidents', 'drift.md'), 'utf8'), posted[1]!.body);
  });

  test('it names the drifted columns with the window\'s scores', () => {
    const [first] = windows;
    const stored = first!.results.find((result) => result.check === 'data_drift')!.values.columns;
    assert.match(posted[0]!.body, /3 of 30 columns drifted/);
    const rows = tableAfter(posted[0]!.body, /### data_drift/);
    assert.deepEqual(rows.map((row) => row.column).sort(), ['mean_area', 'mean_radius', 'mean_texture']);
    for (const row of rows) {
      const column = stored[row.column!]!;
      assert.ok(column.drifted, row.column);
      assert.equal(row.method, 'ks');
      // Four significant digits.
      assert.ok(Math.abs(Number(row.statistic) - column.statistic) <= 1e-3 * column.statistic, `${row.column}: ${row.statistic} is ${column.statistic}`);
      assert.ok(Math.abs(Number(row['p-value']) - column.p_value) <= 1e-3 * column.p_value, `${row.column}: ${row['p-value']} is ${column.p_value}`);
    }
  });

  test('it says since when: the start of the first window of the run the rule holds on', () => {
    const [first] = windows;
    const since = new Date(first!.startedAt).toISOString().replace(/\./g, '\\.');
    assert.match(posted[0]!.body, new RegExp(`## Since\n\nSince ${since} \\(the start of window \`${first!.id}\`\\): this window is the first on which the rule holds\\.`));
    assert.match(posted[1]!.body, new RegExp(`## Since\n\nSince ${since} \\(the start of window \`${first!.id}\`\\): the rule has held on 2 consecutive windows\\.`));
  });

  test('it shows the first rows of its window as they were served, drifted columns first', () => {
    const logged = loggedRequests();
    posted.forEach((note, k) => {
      const window = windows[k]!;
      const rows = tableAfter(note.body, /## Sample rows/);
      assert.equal(rows.length, 5);
      assert.deepEqual(Object.keys(rows[0]!).slice(1, 4).sort(), ['mean_area', 'mean_radius', 'mean_texture']);
      for (const row of rows) {
        const request = logged.get(row.request!);
        assert.ok(request, `request ${row.request} is in the prediction log`);
        assert.ok(request.time >= window.startedAt && request.time <= window.endedAt, `request ${row.request} is in window ${k + 1}`);
        const { request: _id, prediction: _answer, ...cells } = row;
        assert.equal(Object.keys(cells).length, 30);
        for (const [name, cell] of Object.entries(cells)) assert.equal(Number(cell), request.inputs[name], `${name} of ${row.request}`);
        assert.match(row.prediction!, /^0=malignant: [\d.e-]+, 1=benign: [\d.e-]+$/);
      }
    });
  });
});
