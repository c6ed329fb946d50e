/**
 * Opening a workspace's metadata store. Apart from workspace.ts so that commands which only read
 * the workspace's layout (`sluice status`) do not load the store's code with it.
 */
import { openMetadataStore, type MetadataStore } from '../store/index.js';
import type { Workspace } from './workspace.js';

/** Opens the metadata store the workspace is configured for. */
export function openWorkspaceStore(workspace: Workspace): Promise<MetadataStore> {
  return openMetadataStore(workspace.storeLocation);
}
