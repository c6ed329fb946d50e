/**
 * A real `sluice serve` process for tests: started on a free port, its address read from its
 * banner, stopped with SIGTERM.
 */
import type { ChildProcess } from 'node:child_process';
import { exited, startSluice } from './cli.js';

export interface ServedProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the server wrote to stderr so far (banner, access and error logs). */
  stderr(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

export async function startServe(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ServedProcess> {
  const child = startSluice(cwd, ['serve', ...args, '--port', '0'], env);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout!.resume();
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sluice serve did not start within 20 s:\n${stderr}`)), 20_000);
    const check = () => {
      const match = / at (http:\/\/[\d.]+:\d+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stderr!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sluice serve exited with ${code}:\n${stderr}`));
    });
  });
  return {
    url,
    child,
    stderr: () => stderr,
    stop: async () => {
      child.kill('SIGTERM');
      return (await exited(child)).code;
    },
  };
}

/** POSTs JSON (or text with a content type) and returns status, headers and the parsed body. */
export async function post(url: string, body: unknown, contentType = 'application/json', headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: kept as text.
  }
  return { status: response.status, body: parsed, headers: response.headers };
}
