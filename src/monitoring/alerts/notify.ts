/**
 * Delivering an alert to a rule's channels: a generic webhook (the alert as JSON, the shape in
 * docs/monitoring.md), a Slack-compatible incoming webhook (`{"text": …}`), and e-mail over SMTP
 * (nodemailer, to the server in SLUICE_SMTP_URL, e.g. smtp://mail.example.com:587). Each delivery
 * is retried with exponential back-off; one that still fails is reported, never thrown: a channel
 * that is down must not stop a monitor, nor the server it runs in.
 */
import nodemailer from 'nodemailer';
import type { NotifyChannel } from '../config/monitor-schema.js';
import type { MonitorAlert } from '../store/monitor-store.js';

export interface DeliveryOptions {
  /** Attempts per channel (default 4: at once, then after 0.5 s, 1 s and 2 s). */
  readonly attempts?: number;
  readonly firstDelayMs?: number;
  /** Per attempt. */
  readonly timeoutMs?: number;
  /** SMTP server for e-mail channels (default: SLUICE_SMTP_URL); the sender is SLUICE_SMTP_FROM or sluice@localhost. */
  readonly smtpUrl?: string | undefined;
  readonly smtpFrom?: string | undefined;
}

export interface Delivery {
  readonly channel: string;
  readonly ok: boolean;
  readonly attempts: number;
  readonly error?: string;
}

/** The JSON body of a generic webhook. */
export function webhookBody(alert: MonitorAlert): Record<string, unknown> {
  return {
    id: alert.id,
    environment: alert.environment,
    rule: alert.rule,
    severity: alert.severity,
    window_id: alert.windowId,
    fired_at: new Date(alert.firedAt).toISOString(),
    message: alert.message,
    details: alert.details,
  };
}

function describeChannel(channel: NotifyChannel): string {
  return 'webhook' in channel ? `webhook ${channel.webhook}` : 'slack' in channel ? `slack ${channel.slack}` : `email ${channel.email}`;
}

async function postJson(url: string, body: unknown, timeoutMs: number): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`answered HTTP ${response.status}`);
}

async function sendOnce(channel: NotifyChannel, alert: MonitorAlert, options: DeliveryOptions, timeoutMs: number): Promise<void> {
  if ('webhook' in channel) return postJson(channel.webhook, webhookBody(alert), timeoutMs);
  if ('slack' in channel) return postJson(channel.slack, { text: alert.message }, timeoutMs);
  const url = options.smtpUrl ?? process.env.SLUICE_SMTP_URL;
  if (!url) throw new Error('no SMTP server: set SLUICE_SMTP_URL (e.g. smtp://mail.example.com:587)');
  const transport = nodemailer.createTransport(url, { connectionTimeout: timeoutMs, socketTimeout: timeoutMs } as never);
  try {
    await transport.sendMail({
      from: options.smtpFrom ?? process.env.SLUICE_SMTP_FROM ?? 'sluice@localhost',
      to: channel.email,
      subject: `[sluice ${alert.severity}] ${alert.rule} on ${alert.environment}`,
      text: `${alert.message}\n\n${JSON.stringify(webhookBody(alert), null, 2)}\n`,
    });
  } finally {
    transport.close();
  }
}

/** Delivers `alert` to each channel; resolves with what each delivery did. */
export async function deliverAlert(alert: MonitorAlert, channels: readonly NotifyChannel[], options: DeliveryOptions = {}): Promise<Delivery[]> {
  const attempts = options.attempts ?? 4;
  const firstDelay = options.firstDelayMs ?? 500;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return Promise.all(
    channels.map(async (channel): Promise<Delivery> => {
      let last = '';
      for (let attempt = 1; attempt <= attempts; attempt++) {
        try {
          await sendOnce(channel, alert, options, timeoutMs);
          return { channel: describeChannel(channel), ok: true, attempts: attempt };
        } catch (error) {
          last = error instanceof Error ? error.message : String(error);
          if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, firstDelay * 2 ** (attempt - 1)));
        }
      }
      return { channel: describeChannel(channel), ok: false, attempts, error: last };
    }),
  );
}
