/**
 * A real `sluice serve` process for tests: started on a free port, its address read from its
 * banner, stopped with SIGTERM (SIGKILL if it does not end within 30 s). Stop it in an `after`
 * or `t.after` hook, so a failing assertion cannot leave it running; `stop()` may be called again.
 */
import type { ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { startSluice } from './cli.js';
import { killTree } from './process-tree.js';
import { stopProcess, within } from './processes.js';

export interface ServedProcess {
  readonly url: string;
  /** host:port of the v2 gRPC service, when started with --grpc-port. */
  readonly grpcAddress: string | undefined;
  readonly child: ChildProcess;
  /** Everything the server wrote to stderr so far (banner, access and error logs). */
  stderr(): string;
  /** SIGTERM, then the exit code (null if it had to be killed). Idempotent. */
  stop(): Promise<number | null>;
}

const START_TIMEOUT_MS = 30_000;

export async function startServe(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ServedProcess> {
  return startListening(cwd, ['serve', ...args, '--port', '0'], env);
}

/** A real `sluice server` (tracking and registry) on a free port, like {@link startServe}. */
export async function startSluiceServer(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ServedProcess> {
  return startListening(cwd, ['server', ...args, '--port', '0'], env);
}

async function startListening(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<ServedProcess> {
  const command = `sluice ${args[0]}`;
  const child = startSluice(cwd, args, env);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout!.resume();
  const banner = new Promise<string>((resolve, reject) => {
    const check = () => {
      const match = / at (http:\/\/[\d.]+:\d+)/.exec(stderr);
      if (match) resolve(match[1]!);
    };
    child.stderr!.on('data', check);
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code}:\n${stderr}`)));
  });
  let url: string;
  try {
    url = await within(banner, START_TIMEOUT_MS, `the banner of ${command}`);
  } catch (error) {
    if (child.pid !== undefined) killTree(child.pid);
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  return {
    url,
    grpcAddress: / v2 gRPC at grpc:\/\/([\d.]+:\d+)/.exec(stderr)?.[1],
    child,
    stderr: () => stderr,
    stop: async () => (await stopProcess(child)).code,
  };
}

/** POSTs JSON (or text with a content type) and returns status, headers and the parsed body. */
export async function post(url: string, body: unknown, contentType = 'application/json', headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': contentType, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  }).catch((error: Error) => {
    throw new Error(`POST ${url} failed: ${error.name === 'TimeoutError' ? 'no answer within 60 s' : error.message}`, { cause: error });
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: kept as text.
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

export interface IncompleteRequest {
  /** Hangs up: destroys the connection and waits (at most 10 s) until it is closed. Idempotent. */
  hangUp(): Promise<void>;
}

/**
 * Sends a POST over a raw TCP connection whose body never completes (the headers announce more
 * bytes than are sent), so the server holds the request open until the client hangs up.
 */
export async function startIncompleteRequest(url: string, path = '/predict'): Promise<IncompleteRequest> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  // A reset once the test hangs up (or the server stops) is expected; the test asserts over HTTP.
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const connected = new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('close', () => reject(new Error(`the connection to ${url} closed before it opened`)));
  });
  try {
    await within(connected, 10_000, `a TCP connection to ${url}`);
  } catch (error) {
    socket.destroy();
    throw error;
  }
  socket.write(`POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"rows":[`);
  return {
    hangUp: async () => {
      socket.destroy();
      await within(closed, 10_000, 'the close of the held connection');
    },
  };
}
