/**
 * Remotes: named object storages in `.sluice/config.yaml` (`remotes:` and `default_remote:`),
 * edited in place so the file keeps its comments and layout.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { issueText, writeFileAtomic } from '../core/index.js';
import { openObjectStorage, type ObjectStorage } from '../cache/index.js';
import { CONFIG_FILE, loadWorkspaceConfig, remoteSchema, type RemoteConfig, type Workspace } from '../workspace/index.js';
import { remoteExists, remoteNotConfigured } from './errors.js';
import { invalidRemote } from './errors.js';

export interface NamedRemote extends RemoteConfig {
  readonly name: string;
  readonly isDefault: boolean;
}

export function listRemotes(workspace: Workspace): NamedRemote[] {
  const config = loadWorkspaceConfig(workspace.root);
  return Object.entries(config.remotes ?? {}).map(([name, remote]) => ({ name, ...remote, isDefault: config.default_remote === name }));
}

function editConfig(root: string, edit: (document: ReturnType<typeof parseDocument>) => void): void {
  const path = join(root, CONFIG_FILE);
  const document = parseDocument(existsSync(path) ? readFileSync(path, 'utf8') : '');
  edit(document);
  writeFileAtomic(path, document.toString());
  // Read back through the schema, so a bad edit never stays on disk unnoticed.
  loadWorkspaceConfig(root);
}

export function addRemote(workspace: Workspace, name: string, remote: RemoteConfig, options: { makeDefault?: boolean } = {}): void {
  if (!/^[A-Za-z0-9][\w.-]*$/.test(name)) throw invalidRemote({ name, problem: 'a remote name is letters, digits, ., _ and -' });
  const result = remoteSchema.safeParse(remote);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw invalidRemote({ name, problem: `${issue.path.join('.') || 'the remote'} ${issueText(issue.message)}` });
  }
  const parsed = result.data;
  // Checked here, where a remote is added, not when the config is read: a remote that cannot be
  // used must not stop every other command of the repository.
  if (!isUsableRemoteUrl(parsed.url)) throw invalidRemote({ name, problem: 'url must be a directory, file:///path or s3://bucket/prefix' });
  if (listRemotes(workspace).some((existing) => existing.name === name)) throw remoteExists({ name });
  editConfig(workspace.root, (document) => {
    document.setIn(['remotes', name], document.createNode(Object.fromEntries(Object.entries(parsed).filter(([, value]) => value !== undefined))));
    if (options.makeDefault || listRemotes(workspace).length === 0) document.set('default_remote', name);
  });
}

export function removeRemote(workspace: Workspace, name: string): void {
  const remotes = listRemotes(workspace);
  if (!remotes.some((remote) => remote.name === name)) throw remoteNotConfigured({ name, known: remotes.map((remote) => remote.name) });
  editConfig(workspace.root, (document) => {
    document.deleteIn(['remotes', name]);
    if (document.get('default_remote') === name) document.delete('default_remote');
  });
}

/** The storage of remote `name`, or of the default remote. */
export async function openRemote(workspace: Workspace, name?: string, env: NodeJS.ProcessEnv = process.env): Promise<{ remote: NamedRemote; storage: ObjectStorage }> {
  const remotes = listRemotes(workspace);
  const remote = name === undefined ? remotes.find((candidate) => candidate.isDefault) : remotes.find((candidate) => candidate.name === name);
  if (!remote) throw remoteNotConfigured({ ...(name === undefined ? {} : { name }), known: remotes.map((candidate) => candidate.name) });
  const remoteEnv = { ...env, ...(remote.endpoint ? { AWS_ENDPOINT_URL: remote.endpoint } : {}), ...(remote.region ? { AWS_REGION: remote.region } : {}) };
  return { remote, storage: await openObjectStorage(remote.url, workspace.root, remoteEnv) };
}

/** A directory (no scheme), file:///path (or file://localhost/path), or s3://bucket[/prefix]: what openObjectStorage opens. */
function isUsableRemoteUrl(url: string): boolean {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return true;
  return /^file:\/\/(localhost)?\//.test(url) || /^s3:\/\/[^/\s]+(\/.*)?$/.test(url);
}
