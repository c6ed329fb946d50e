/**
 * A monitor running inside `sluice serve --env`: the server closes windows as traffic flows, with
 * no `sluice monitor run`. The drifted breast-cancer rows, replayed twice, close two drifted
 * windows and raise exactly one drift alert (the second is within the cool-down), delivered to a
 * webhook listener and by e-mail to a local SMTP server, naming exactly the three shifted columns
 * with their scores, while a webhook nobody listens on fails after its retries without stopping
 * the server; the no-drift rows through a second environment raise none. The monitor runs in a
 * process of its own at the lowest CPU priority (SCHED_IDLE), every thread of it.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sluice, sluiceAsync, type ScratchRepo } from '../support/cli.js';
import { environmentRepo } from '../support/environment.js';
import { sharedFixture } from '../support/fixtures.js';
import { descendantsOf } from '../support/process-tree.js';
import { pollUntil } from '../support/processes.js';
import { startServe, type ServedProcess } from '../support/serve.js';
import { startTestSmtp, type TestSmtp } from '../support/smtp.js';

const hooks: { environment: string; message: string; details: { data_drift: { drifted: string[]; columns: Record<string, { statistic: number; p_value: number }> } } }[] = [];
const listener = createServer(async (request: IncomingMessage, response) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  hooks.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as (typeof hooks)[number]);
  response.writeHead(204).end();
});
let smtp: TestSmtp;

/** A webhook nobody listens on: its delivery is retried with back-off, then reported, and serving goes on. */
const UNREACHABLE = 'http://127.0.0.1:9/unreachable';

let repo: ScratchRepo;
const servers: ServedProcess[] = [];

function monitorOf(hook: string): string {
  return `
    window: {every: 171 predictions, min_rows: 100}
    reference: ${sharedFixture('breast_cancer', 'train.csv')}
    checks:
      data_drift: {method: ks, drift_share: 0.1}
    alerts:
      - {name: drift, when: data_drift.dataset_drift, severity: warning, cooldown: 1h, notify: [{webhook: "${hook}"}, {email: "ml-team@example.com"}, {webhook: "${UNREACHABLE}"}]}`;
}

async function replay(server: ServedProcess, environment: string, file: string): Promise<void> {
  const result = await sluiceAsync(repo.root, ['monitor', 'replay', '--env', environment, '--data', sharedFixture('breast_cancer', file), '--url', server.url]);
  assert.equal(result.code, 0, result.stderr);
}

function windowsOf(environment: string): { rows: number; results: { check: string; status: string }[] }[] {
  const history = sluice(repo.root, ['monitor', 'history', '--env', environment, '--json']);
  assert.equal(history.code, 0, history.stderr);
  return JSON.parse(history.stdout) as { rows: number; results: { check: string; status: string }[] }[];
}

before(async () => {
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  smtp = await startTestSmtp();
  const hook = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/hook`;
  repo = environmentRepo(`deploy:
  production: {model: bc, port: 0}
  mirror: {model: bc, alias: production, port: 0}
monitor:
  production:${monitorOf(hook)}
  mirror:${monitorOf(hook)}
`);
  const env = { SLUICE_SMTP_URL: smtp.url };
  servers.push(await startServe(repo.root, ['--env', 'production'], env), await startServe(repo.root, ['--env', 'mirror'], env));
});
after(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  await new Promise<void>((resolve) => listener.close(() => resolve()));
  await smtp?.close();
  repo?.remove();
});

/** Linux's SCHED_IDLE, as /proc/PID/task/TID/stat gives a thread's policy (its 41st field). */
const SCHED_IDLE = 5;

function threadPolicies(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after it are fixed.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]);
  });
}

describe('a monitor inside sluice serve --env', () => {
  test('runs in a process of its own under SCHED_IDLE, every thread of it, so a request preempts it at once', { skip: !existsSync('/usr/bin/chrt') && 'needs util-linux chrt' }, async () => {
    const [production] = servers;
    // Found once chrt has become Node (same pid, same command line) and Node has started its threads.
    const policies = await pollUntil(() => {
      const monitor = descendantsOf(production!.child.pid!).find((each) => /monitor\0watch\0--env\0production/.test(readFileSync(`/proc/${each.pid}/cmdline`, 'latin1')));
      if (!monitor || readFileSync(`/proc/${monitor.pid}/comm`, 'latin1').trim() === 'chrt') return undefined;
      const threads = threadPolicies(monitor.pid);
      return threads.length > 1 ? threads : undefined;
    }, 'the monitor process and its threads', 30_000, 100);
    assert.deepEqual(new Set(policies), new Set([SCHED_IDLE]));
    // The server itself keeps the policy it was started with (this test's own).
    assert.deepEqual(new Set(threadPolicies(production!.child.pid!)), new Set([threadPolicies(process.pid)[0]]));
  });

  test('the drifted rows, replayed twice, close two drifted windows and raise one alert naming the shifted columns, by webhook and e-mail', async () => {
    const [production] = servers;
    await replay(production!, 'production', 'current_drifted.csv');
    await pollUntil(() => (hooks.length > 0 && smtp.received.length > 0 ? true : undefined), 'the drift alert by webhook and e-mail', 30_000, 100);
    await replay(production!, 'production', 'current_drifted.csv');
    const windows = await pollUntil(() => {
      const closed = windowsOf('production');
      return closed.length === 2 ? closed : undefined;
    }, 'the second window', 30_000, 250);
    assert.deepEqual(
      windows.map((window) => [window.rows, window.results.find((result) => result.check === 'data_drift')!.status]),
      [
        [171, 'failed'],
        [171, 'failed'],
      ],
    );
    assert.equal(hooks.length, 1);
    assert.equal(hooks[0]!.environment, 'production');
    assert.deepEqual([...hooks[0]!.details.data_drift.drifted].sort(), ['mean_area', 'mean_radius', 'mean_texture']);
    for (const column of ['mean_area', 'mean_radius', 'mean_texture']) assert.ok(hooks[0]!.details.data_drift.columns[column]!.p_value < 0.05 / 30, column);
    assert.equal(smtp.received.length, 1);
    assert.deepEqual(smtp.received[0]!.to, ['ml-team@example.com']);
    assert.match(smtp.received[0]!.data, /Subject: \[sluice warning\] drift on production/);
    assert.match(smtp.received[0]!.data, /mean_radius/);
    // The server's stderr reaches this process only while it awaits.
    for (const line of [/MONITOR ALERT warning: drift on production/, /monitor production: delivery to webhook \S+ failed after 4 attempts/]) {
      await pollUntil(() => (line.test(production!.stderr()) ? true : undefined), `${line} on the server's stderr`, 10_000);
    }
    const alerts = sluice(repo.root, ['monitor', 'alerts', '--env', 'production', '--json']);
    assert.equal((JSON.parse(alerts.stdout) as unknown[]).length, 1);
  });

  test('served with its predictions unlogged, or logged elsewhere, the environment says its monitor is off', async () => {
    const cases: [string[], RegExp][] = [
      [['--no-prediction-log'], /the monitor of production is off: predictions are not logged/],
      [['--prediction-log', join(repo.root, 'elsewhere')], /the monitor of production is off: it reads the log in .*--prediction-log writes it to .*elsewhere/],
    ];
    for (const [flags, warning] of cases) {
      const server = await startServe(repo.root, ['--env', 'production', '--port', '0', ...flags]);
      try {
        await pollUntil(() => (warning.test(server.stderr()) ? true : undefined), `the warning for ${flags.join(' ')}`, 10_000);
      } finally {
        assert.equal(await server.stop(), 0);
      }
    }
  });

  test('the no-drift rows close a window that passes and raise nothing', async () => {
    const mirror = servers[1]!;
    const before = hooks.length;
    await replay(mirror, 'mirror', 'current_nodrift.csv');
    const [window] = await pollUntil(() => {
      const closed = windowsOf('mirror');
      return closed.length === 1 ? closed : undefined;
    }, 'the mirror window', 30_000, 250);
    assert.equal(window!.rows, 171);
    assert.equal(window!.results.find((result) => result.check === 'data_drift')!.status, 'passed');
    // A window and the alerts it raised are stored in one transaction: with the window judged and
    // stored, the store holds every alert it will ever raise (a delivery may still be on its way).
    const alerts = sluice(repo.root, ['monitor', 'alerts', '--env', 'mirror', '--json']);
    assert.equal(alerts.code, 0, alerts.stderr);
    assert.deepEqual(JSON.parse(alerts.stdout), []);
    assert.equal(hooks.length, before);
    assert.doesNotMatch(mirror.stderr(), /MONITOR ALERT/);
  });
});
