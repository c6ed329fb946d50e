/**
 * Remotes in `.sluice/config.yaml`: add, list, remove and the default, edited in place so the
 * file keeps its comments; opening one gives a storage at the configured place.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { LocalObjectStorage } from '../cache/index.js';
import { CONFIG_FILE, initWorkspace, loadWorkspaceConfig, openWorkspace, type Workspace } from '../workspace/index.js';
import { addRemote, listRemotes, openRemote, removeRemote } from './index.js';

function throwsWith(work: () => unknown, code: string, message?: RegExp): void {
  assert.throws(work, (error: Error & { code?: string }) => {
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return true;
  });
}

describe('remotes', { timeout: 60_000 }, () => {
  let temp: ReturnType<typeof makeTempDir>;
  let workspace: Workspace;
  const configText = () => readFileSync(join(workspace.root, CONFIG_FILE), 'utf8');
  beforeEach(() => {
    temp = makeTempDir('sluice-remotes-');
    initWorkspace(temp.path);
    workspace = openWorkspace(temp.path, {});
  });
  afterEach(() => temp.remove());

  test('no remotes at first', () => {
    assert.deepEqual(listRemotes(workspace), []);
  });

  test('the first remote added becomes the default; later ones only when asked', () => {
    addRemote(workspace, 'origin', { url: '/srv/sluice' });
    addRemote(workspace, 'backup', { url: 's3://bucket/prefix', endpoint: 'http://localhost:9000', region: 'eu-west-1' });
    assert.deepEqual(listRemotes(workspace), [
      { name: 'origin', url: '/srv/sluice', isDefault: true },
      { name: 'backup', url: 's3://bucket/prefix', endpoint: 'http://localhost:9000', region: 'eu-west-1', isDefault: false },
    ]);
    addRemote(workspace, 'team', { url: 'file:///mnt/team' }, { makeDefault: true });
    assert.deepEqual(listRemotes(workspace).filter((remote) => remote.isDefault).map((remote) => remote.name), ['team']);
    assert.equal(loadWorkspaceConfig(workspace.root).default_remote, 'team');
  });

  test('the config file keeps its comments and other settings through edits', () => {
    const before = configText();
    assert.match(before, /^# Sluice settings/);
    addRemote(workspace, 'origin', { url: 'remote-dir' });
    const after = configText();
    for (const line of before.split('\n').filter((text) => text.trim().startsWith('#'))) assert.ok(after.includes(line.trim()), `kept: ${line}`);
    assert.deepEqual(loadWorkspaceConfig(workspace.root).cache?.link, ['reflink', 'hardlink', 'copy']);
    assert.match(after, /^remotes:\n {2}origin:\n {4}url: remote-dir$/m);
    assert.match(after, /^default_remote: origin$/m);
  });

  test('a name taken already is refused, and the existing remote is kept', () => {
    addRemote(workspace, 'origin', { url: '/one' });
    throwsWith(() => addRemote(workspace, 'origin', { url: '/two' }), 'SLUICE_REMOTE_EXISTS', /A remote named "origin" exists already/);
    assert.equal(listRemotes(workspace)[0]?.url, '/one');
  });

  test('a name that is not letters, digits, ., _ and - is refused', () => {
    for (const name of ['', '-lead', 'has space', 'a/b', 'ünïcode']) {
      throwsWith(() => addRemote(workspace, name, { url: '/x' }), 'SLUICE_DATA_INVALID_REMOTE', /a remote name is letters, digits/);
    }
    assert.deepEqual(listRemotes(workspace), []);
  });

  test('a remote with an empty URL or an unknown setting is refused, and nothing is written', () => {
    const before = configText();
    throwsWith(() => addRemote(workspace, 'origin', { url: '' }), 'SLUICE_DATA_INVALID_REMOTE', /url/);
    throwsWith(() => addRemote(workspace, 'origin', { url: '/x', bucket: 'b' } as never), 'SLUICE_DATA_INVALID_REMOTE');
    throwsWith(() => addRemote(workspace, 'origin', { url: 's3://b/p', endpoint: 'not a url' }), 'SLUICE_DATA_INVALID_REMOTE', /endpoint/);
    assert.equal(configText(), before);
  });

  test('remove drops the remote and, when it was the default, the default too', () => {
    addRemote(workspace, 'origin', { url: '/one' });
    addRemote(workspace, 'backup', { url: '/two' });
    removeRemote(workspace, 'backup');
    assert.deepEqual(listRemotes(workspace).map((remote) => remote.name), ['origin']);
    assert.equal(loadWorkspaceConfig(workspace.root).default_remote, 'origin');
    removeRemote(workspace, 'origin');
    assert.deepEqual(listRemotes(workspace), []);
    assert.equal(loadWorkspaceConfig(workspace.root).default_remote, undefined);
  });

  test('removing an unknown remote is refused, listing the configured ones', () => {
    addRemote(workspace, 'origin', { url: '/one' });
    throwsWith(() => removeRemote(workspace, 'nope'), 'SLUICE_REMOTE_NOT_CONFIGURED', /There is no remote "nope" \(configured: origin\)/);
  });

  test('openRemote opens the default or the named remote; a relative directory is under the root', async () => {
    addRemote(workspace, 'origin', { url: 'remote-dir' });
    addRemote(workspace, 'other', { url: 'file:///srv/other' });
    const opened = await openRemote(workspace);
    assert.equal(opened.remote.name, 'origin');
    assert.ok(opened.storage instanceof LocalObjectStorage);
    assert.equal(opened.storage.url, join(workspace.root, 'remote-dir'));
    assert.equal((await openRemote(workspace, 'other')).storage.url, '/srv/other');
  });

  test('openRemote without a default, or naming an unknown remote, says so', async () => {
    await assert.rejects(openRemote(workspace), (error: Error & { code?: string }) => error.code === 'SLUICE_REMOTE_NOT_CONFIGURED' && /No remote given and no default remote set/.test(error.message));
    addRemote(workspace, 'origin', { url: '/one' });
    await assert.rejects(openRemote(workspace, 'typo'), (error: Error & { code?: string }) => error.code === 'SLUICE_REMOTE_NOT_CONFIGURED' && /configured: origin/.test(error.message));
  });

  test('an unsupported URL scheme in the config is refused when the remote is opened, and other commands still work', async () => {
    writeFileSync(join(workspace.root, CONFIG_FILE), 'remotes:\n  web:\n    url: https://example.com/data\ndefault_remote: web\n');
    await assert.rejects(openRemote(workspace), (error: Error & { code?: string }) => error.code === 'SLUICE_STORAGE_UNSUPPORTED_URL');
    assert.deepEqual(listRemotes(workspace).map((remote) => remote.name), ['web']);
  });

  test('remote add refuses a URL no command could use (http, an empty bucket), and takes every form one can', () => {
    for (const url of ['http://foo/bar', 's3://']) throwsWith(() => addRemote(workspace, 'web', { url }), 'SLUICE_DATA_INVALID_REMOTE', /url must be a directory, file:\/\/\/path or s3:\/\/bucket\/prefix/);
    for (const [name, url] of [['local', '../cache'], ['dated', 'backup:2024'], ['file', 'file:///tmp/x'], ['host', 'file://localhost/tmp/y'], ['bucket', 's3://Bucket_Name/p']] as const) addRemote(workspace, name, { url });
    assert.equal(listRemotes(workspace).length, 5);
  });
});
