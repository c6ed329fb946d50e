/**
 * Starting the server: refuses to listen beyond loopback without access control (unless told the
 * network is trusted), and makes sure the Default experiment exists before the first request.
 */
import type { FastifyInstance } from 'fastify';
import { listenError } from '../core/index.js';
import { buildApp, type AppOptions } from './app.js';
import { insecureListen } from './errors.js';

export interface ServerOptions extends AppOptions {
  readonly host: string;
  readonly port: number;
  /** Listen beyond loopback even without tokens. */
  readonly insecure?: boolean;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export async function startServer(options: ServerOptions): Promise<{ app: FastifyInstance; url: string }> {
  if (!isLoopback(options.host) && !options.insecure && !options.envToken && !(await options.services.tokens.hasActiveTokens())) {
    throw insecureListen({ host: options.host });
  }
  await options.services.tracking.ensureDefaultExperiment();
  const app = await buildApp(options);
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    await app.close();
    throw listenError(error, options.host, options.port);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') && !options.host.startsWith('[') ? `[${options.host}]` : options.host;
  return { app, url: `http://${host}:${port}` };
}
