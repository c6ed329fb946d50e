/** Opening the workspace's services for one command, and closing them whatever happens. */
import { userInfo } from 'node:os';
import type { Actor } from '../registry/index.js';
import { openWorkspaceServices, type WorkspaceServices } from '../workspace/index.js';
import { currentWorkspace } from './context.js';

export async function withServices<T>(work: (services: WorkspaceServices) => Promise<T>): Promise<T> {
  const services = await openWorkspaceServices(currentWorkspace());
  try {
    return await work(services);
  } finally {
    await services.close();
  }
}

/** The CLI user, as the audit log records them: the OS user and the command line. */
export function cliActor(): Actor {
  let name: string;
  try {
    name = userInfo().username;
  } catch {
    name = process.env.USER ?? 'unknown';
  }
  return { name, origin: `cli: sluice ${process.argv.slice(2).join(' ')}`.slice(0, 1000) };
}
