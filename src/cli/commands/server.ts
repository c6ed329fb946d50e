/**
 * `sluice server [--host 127.0.0.1] [--port 5000] [--store URL] [--artifacts URL] [--insecure]`:
 * the tracking and registry server, MLflow-compatible. Inside a project it serves the project's
 * store and artifacts; anywhere else it is a standalone team server (like `mlflow server`) over
 * `--store` and `--artifacts`, keeping what they do not name in `--home` (./sluice-server).
 * Stops cleanly on Ctrl-C.
 */
import { z } from 'zod';
import { startServer } from '../../http/index.js';
import { openServerWorkspace, openWorkspaceServices, osUserName, type ServerWorkspace } from '../../workspace/index.js';
import { parseOptions } from '../options.js';
import type { CliContext } from '../services.js';

const serverSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number({ error: 'must be a number' }).int().min(0).max(65_535, { error: 'must be a port number (0-65535)' }).default(5000),
  insecure: z.boolean().default(false),
  maxUploadMb: z.coerce.number({ error: 'must be a number' }).positive().default(8192),
  quiet: z.boolean().default(false),
  store: z.string().min(1).optional(),
  artifacts: z.string().min(1).optional(),
  home: z.string().min(1).optional(),
});

/** `onListening` is told the reachable URL once the server listens (`sluice ui` opens it). */
export async function serverCommand(rawOptions: unknown, version: string, output: CliContext, onListening?: (url: string) => Promise<void>): Promise<number> {
  const options = parseOptions(serverSchema, rawOptions, 'server');
  const opened = openServerWorkspace(process.cwd(), { store: options.store, artifacts: options.artifacts, home: options.home });
  const services = await openWorkspaceServices(opened.workspace, { openStore: output.openStore, user: osUserName() });
  try {
    output.stderr.write(`${describeLocations(opened)}\n`);
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
    // Listening before the ready lines (and the browser opened after them): a SIGTERM that comes as
    // soon as they are read closes the server, its store and its artifacts, instead of killing it.
    const stopped = new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    output.stderr.write(`Sluice server at ${url} (MLflow clients: MLFLOW_TRACKING_URI=${reachable}; Sluice clients: SLUICE_SERVER_URL=${reachable}); Ctrl-C stops it.\n`);
    output.stderr.write(`Web UI: ${reachable}/\n`);
    await onListening?.(`${reachable}/`);
    await stopped;
    await app.close();
    return 0;
  } finally {
    await services.close();
  }
}

const uiSchema = z.object({
  port: z.coerce.number({ error: 'must be a number' }).int().min(0).max(65_535, { error: 'must be a port number (0-65535)' }).default(0),
  open: z.boolean().default(true),
});

/**
 * `sluice ui [--port 0] [--no-open]`: the local workspace's server on loopback only, without a
 * request log, printing the web UI's URL and opening it in the user's browser (as `jupyter lab`
 * does), unless `--no-open`, in CI, or on a machine without a display.
 */
export async function uiCommand(rawOptions: unknown, version: string, output: CliContext): Promise<number> {
  const { port, open } = parseOptions(uiSchema, rawOptions, 'ui');
  const say = (line: string) => output.stderr.write(`${line}\n`);
  return serverCommand({ host: '127.0.0.1', port, quiet: true }, version, output, open ? (url) => openBrowser(url, say) : undefined);
}

/** Opens `url` in the default browser (the `open` package: xdg-open, macOS open, Windows start); never fails the command. */
async function openBrowser(url: string, say: (line: string) => void): Promise<void> {
  if (process.env.CI) return;
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY && !process.env.BROWSER) {
    say('No display here to open a browser on: open the URL above in one (or forward the port).');
    return;
  }
  const failed = (error: unknown) => say(`Could not open a browser (${error instanceof Error ? error.message : String(error)}): open the URL above yourself.`);
  try {
    const { default: open } = await import('open');
    const launcher = await open(url);
    launcher.once('error', failed);
  } catch (error) {
    failed(error);
  }
}

/** Where the server keeps its state, in one line: what a team needs to back up. */
function describeLocations({ workspace, project }: ServerWorkspace): string {
  const store = workspace.storeLocation.dialect === 'sqlite' ? `SQLite ${workspace.storeLocation.path}` : `PostgreSQL ${redactPassword(workspace.storeLocation.connectionString)}`;
  const where = project === undefined ? `standalone (home ${workspace.root})` : `project ${project}`;
  return `Serving ${where}: metadata in ${store}, artifacts in ${workspace.artifactsUrl}.`;
}

function redactPassword(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return connectionString;
  }
}
