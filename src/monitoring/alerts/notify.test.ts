/**
 * Delivering alerts for real: a webhook listener gets the documented JSON, a Slack-compatible one
 * gets the message as text, a local SMTP server gets the e-mail; a listener failing once is
 * retried; an unreachable one is reported after its attempts, not thrown.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { startTestSmtp } from '../../../test/support/smtp.js';
import type { MonitorAlert } from '../store/monitor-store.js';
import { deliverAlert } from './notify.js';

const ALERT: MonitorAlert = {
  id: 'a1',
  environment: 'production',
  rule: 'drift',
  severity: 'warning',
  windowId: 'w1',
  firedAt: Date.UTC(2026, 11, 4, 12),
  message: 'warning: drift on production (data_drift.dataset_drift): dataset drift: 3 of 30 columns drifted',
  details: { data_drift: { dataset_drift: true, drifted: ['mean_radius', 'mean_texture', 'mean_area'] } },
};

const servers: { close(callback?: () => void): unknown }[] = [];
after(async () => {
  for (const server of servers) await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/** A listener answering each request with the next status of `statuses` (then 200), recording bodies. */
async function listener(statuses: number[] = []): Promise<{ url: string; bodies: unknown[] }> {
  const bodies: unknown[] = [];
  const server: Server = createServer(async (request, response) => {
    bodies.push(await readBody(request));
    response.writeHead(statuses.shift() ?? 200).end();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies };
}

describe('alert delivery', () => {
  test('a webhook gets the alert as JSON, a Slack webhook its message as text', async () => {
    const webhook = await listener();
    const slack = await listener();
    const deliveries = await deliverAlert(ALERT, [{ webhook: webhook.url }, { slack: slack.url }]);
    assert.deepEqual(deliveries.map((delivery) => delivery.ok), [true, true]);
    assert.deepEqual(webhook.bodies[0], {
      id: 'a1',
      environment: 'production',
      rule: 'drift',
      severity: 'warning',
      window_id: 'w1',
      fired_at: '2026-12-04T12:00:00.000Z',
      message: ALERT.message,
      details: ALERT.details,
    });
    assert.deepEqual(slack.bodies[0], { text: ALERT.message });
  });

  test('a listener that fails once is retried', async () => {
    const flaky = await listener([503]);
    const [delivery] = await deliverAlert(ALERT, [{ webhook: flaky.url }], { firstDelayMs: 10 });
    assert.deepEqual({ ok: delivery!.ok, attempts: delivery!.attempts }, { ok: true, attempts: 2 });
  });

  test('an unreachable webhook is reported after its attempts, not thrown', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const [delivery] = await deliverAlert(ALERT, [{ webhook: `http://127.0.0.1:${port}/hook` }], { attempts: 3, firstDelayMs: 10 });
    assert.equal(delivery!.ok, false);
    assert.equal(delivery!.attempts, 3);
    assert.match(delivery!.error!, /fetch failed|ECONNREFUSED/);
  });

  test('an e-mail reaches a local SMTP server with the alert in its subject', async () => {
    const smtp = await startTestSmtp();
    servers.push({ close: (callback?: () => void) => void smtp.close().then(callback) });
    const [delivery] = await deliverAlert(ALERT, [{ email: 'ml-team@example.com' }], { smtpUrl: smtp.url, firstDelayMs: 10 });
    assert.equal(delivery!.ok, true, delivery!.error);
    assert.deepEqual(smtp.received[0]!.to, ['ml-team@example.com']);
    assert.match(smtp.received[0]!.data, /Subject: \[sluice warning\] drift on production/);
  });
});
