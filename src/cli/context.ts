/** What every command that works in a repository needs first: the workspace around the current directory. */
import { findWorkspaceRoot, openWorkspace, type Workspace } from '../workspace/index.js';

export function currentWorkspace(cwd: string = process.cwd()): Workspace {
  return openWorkspace(findWorkspaceRoot(cwd));
}
