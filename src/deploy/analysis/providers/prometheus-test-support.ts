/**
 * A real Prometheus for tests (Debian's /usr/bin/prometheus) on a free loopback port, scraping a
 * node:http `/metrics` endpoint every second, in its own temp dir; stopped by `stop()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pollUntil, stopProcess, track } from '../../../../test/support/processes.js';
import { makeTempDir } from '../../../../test/support/temp-dir.js';

export const PROMETHEUS_BINARY = '/usr/bin/prometheus';

export interface TestPrometheus {
  /** `http://127.0.0.1:PORT` */
  readonly address: string;
  /** How many times the exporter has been scraped. */
  scrapes(): number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = createTcpServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The answer of Prometheus' instant query API, or undefined while it is not up. */
async function query(address: string, promql: string): Promise<{ data?: { result?: unknown[] } } | undefined> {
  try {
    const response = await fetch(`${address}/api/v1/query?query=${encodeURIComponent(promql)}`, { signal: AbortSignal.timeout(1_000) });
    return response.ok ? ((await response.json()) as { data?: { result?: unknown[] } }) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts Prometheus scraping `exposition(scrape)` (the text format, scrape counting from 1) and
 * resolves once `minScrapes` samples of the exporter are stored.
 */
export async function startTestPrometheus(exposition: (scrape: number) => string, minScrapes = 1): Promise<TestPrometheus> {
  const dir = makeTempDir('sluice-prometheus-');
  let scrapes = 0;
  const exporter: Server = createServer((_request, response) => {
    scrapes += 1;
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(exposition(scrapes));
  });
  await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
  const exporterPort = (exporter.address() as AddressInfo).port;
  const config = join(dir.path, 'prometheus.yml');
  writeFileSync(config, `global: {scrape_interval: 1s, evaluation_interval: 1s}\nscrape_configs:\n  - job_name: sluice\n    static_configs: [{targets: ['127.0.0.1:${exporterPort}']}]\n`);
  const port = await freePort();
  const address = `http://127.0.0.1:${port}`;
  const child: ChildProcess = track(
    spawn(PROMETHEUS_BINARY, [`--config.file=${config}`, `--storage.tsdb.path=${join(dir.path, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], { stdio: 'ignore' }),
  );
  const stop = async (): Promise<void> => {
    await stopProcess(child, 10_000);
    exporter.closeAllConnections();
    exporter.close();
    dir.remove();
  };
  try {
    await pollUntil(
      async () => {
        const answer = await query(address, `count_over_time(up{job="sluice"}[1m])`);
        const sample = answer?.data?.result?.[0] as { value?: [number, string] } | undefined;
        return sample?.value && Number(sample.value[1]) >= minScrapes ? true : undefined;
      },
      `Prometheus storing ${minScrapes} scrape(s) of the test exporter`,
      30_000,
      200,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { address, scrapes: () => scrapes, stop };
}
