/**
 * `sluice server [--host 127.0.0.1] [--port 5000] [--insecure]`: the tracking and registry
 * server, MLflow-compatible, over this workspace's store and artifacts. Stops cleanly on Ctrl-C.
 */
import { z } from 'zod';
import { startServer } from '../../http/index.js';
import { parseOptions } from '../options.js';
import { withServices, type CliContext } from '../services.js';

const serverSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number({ error: 'must be a number' }).int().min(0).max(65_535, { error: 'must be a port number (0-65535)' }).default(5000),
  insecure: z.boolean().default(false),
  maxUploadMb: z.coerce.number({ error: 'must be a number' }).positive().default(8192),
  quiet: z.boolean().default(false),
});

export async function serverCommand(rawOptions: unknown, version: string, output: CliContext): Promise<number> {
  const options = parseOptions(serverSchema, rawOptions, 'server');
  return withServices(output, async (services) => {
    const { app, url } = await startServer({
      services,
      host: options.host,
      port: options.port,
      insecure: options.insecure,
      envToken: process.env.SLUICE_TOKEN || undefined,
      maxUploadBytes: Math.round(options.maxUploadMb * 1024 * 1024),
      logger: options.quiet ? false : { level: 'info' },
      version,
    });
    // A wildcard address is where the server listens, not one to connect to.
    const reachable = url.replace(/\/\/(0\.0\.0\.0|\[::\])(?=:)/, '//127.0.0.1');
    output.stderr.write(`Sluice server at ${url} (MLflow clients: MLFLOW_TRACKING_URI=${reachable}); Ctrl-C stops it.\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await app.close();
    return 0;
  });
}
