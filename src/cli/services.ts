/**
 * Opening the workspace's services for one command, once, and closing them whatever happens.
 * Commands receive them and pass them to the services they call; none opens the store itself.
 */
import type { Actor } from '../registry/index.js';
import { findWorkspaceRoot, openServerWorkspace, openWorkspace, openWorkspaceServices, osUserName, type ServerLocations, type StoreOpener, type WorkspaceServices } from '../workspace/index.js';
import { currentWorkspace } from './context.js';
import type { CliOutput } from './output.js';

/** What a command runs with: where it writes, and (for tests) how the metadata store is opened. */
export interface CliContext extends CliOutput {
  readonly openStore?: StoreOpener | undefined;
}

/** Runs `work` with the services of the workspace around the current directory (an error outside one). */
export async function withServices<T>(context: CliContext, work: (services: WorkspaceServices) => Promise<T>): Promise<T> {
  const services = await openWorkspaceServices(currentWorkspace(), { openStore: context.openStore, user: osUserName() });
  try {
    return await work(services);
  } finally {
    await services.close();
  }
}

/**
 * Runs `work` with the workspace's services when the current directory is in a workspace, and
 * with none otherwise: `sluice eval model.onnx` works anywhere, and records a run where it can.
 */
export async function withServicesIfAny<T>(context: CliContext, work: (services: WorkspaceServices | undefined) => Promise<T>): Promise<T> {
  let root: string;
  try {
    root = findWorkspaceRoot(process.cwd());
  } catch {
    return work(undefined);
  }
  const services = await openWorkspaceServices(openWorkspace(root), { openStore: context.openStore, user: osUserName() });
  try {
    return await work(services);
  } finally {
    await services.close();
  }
}

/**
 * Runs `work` with the services a server command works on (`sluice server`, `sluice token`): the
 * project's inside one, else a standalone server's home and stores (workspace/server-home.ts).
 */
export async function withServerServices<T>(context: CliContext, locations: ServerLocations, work: (services: WorkspaceServices) => Promise<T>): Promise<T> {
  const { workspace } = openServerWorkspace(process.cwd(), locations);
  const services = await openWorkspaceServices(workspace, { openStore: context.openStore, user: osUserName() });
  try {
    return await work(services);
  } finally {
    await services.close();
  }
}

/** The CLI user, as the audit log records them: the OS user and the command line. */
export function cliActor(): Actor {
  return { name: osUserName(), origin: `cli: sluice ${process.argv.slice(2).join(' ')}`.slice(0, 1000) };
}
