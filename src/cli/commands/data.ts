/**
 * `sluice data add|status|checkout|diff|gc|push|pull` and `sluice remote add|list|remove`:
 * data under version control, as DVC users know it.
 */
import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { z } from 'zod';
import {
  addData,
  addRemote,
  checkoutData,
  collectGarbage,
  dataStatus,
  diffData,
  listRemotes,
  openDataWorkspace,
  openRemote,
  pullData,
  pushData,
  removeRemote,
  sharedCacheGc,
  toWorkspacePath,
  type DataWorkspace,
} from '../../data-versioning/index.js';
import { currentWorkspace } from '../context.js';
import { dataRemoteStatusCommand } from './data-remote-status.js';
import { formatBytes, progressDisplay } from '../format/progress.js';
import { renderTable } from '../format/table.js';
import { invalidOption, parseOptions } from '../options.js';
import { printJson, type CliOutput } from '../output.js';

async function withData<T>(work: (data: DataWorkspace) => Promise<T>): Promise<T> {
  const data = await openDataWorkspace(currentWorkspace());
  try {
    return await work(data);
  } finally {
    await data.close();
  }
}

const targets = (data: DataWorkspace, paths: readonly string[]) => paths.map((path) => toWorkspacePath(data.root, path));

export async function dataAddCommand(paths: readonly string[], output: CliOutput): Promise<number> {
  return withData(async (data) => {
    for (const added of await addData(data, targets(data, paths))) {
      const what = added.files > 1 || added.hash.endsWith('.dir') ? `${added.files} files, ${formatBytes(added.size)}` : formatBytes(added.size);
      output.stdout.write(`${added.changed ? 'Tracked' : 'Unchanged'} ${added.target} (${what}) → ${added.pointerFile}\n`);
      if (added.untracked) output.stdout.write(`  git tracked ${added.target} itself: removed from the index (git rm --cached), the file is untouched\n`);
    }
    output.stdout.write('Commit the .sluice pointer files (and .gitignore) to git; `sluice data push` sends the data to a remote.\n');
    // Hardlinked files are left read-only, which protects the cache's copy from everyone but root.
    if (process.getuid?.() === 0 && data.workspace.linkTypes.includes('hardlink')) {
      output.stderr.write(
        'sluice: warning: running as root, the tracked files share their bytes with the cache (hard links) and their read-only mode does not stop root: editing one in place changes the cached version too. Replace a file instead of editing it (write a new file, then move it over), or set cache.link: [reflink, copy] in .sluice/config.yaml.\n',
      );
    }
    return 0;
  });
}

const jsonSchema = z.object({ json: z.boolean().default(false) });

const statusSchema = jsonSchema.extend({
  /** `--remote` alone: the default remote. */
  remote: z.union([z.literal(true), z.string().min(1, { error: 'must name a remote' })]).optional(),
});

export async function dataStatusCommand(paths: readonly string[], rawOptions: unknown, output: CliOutput): Promise<number> {
  const options = parseOptions(statusSchema, rawOptions, 'data status');
  if (options.remote !== undefined) {
    const name = options.remote === true ? undefined : options.remote;
    return withData((data) => dataRemoteStatusCommand(data, name, targets(data, paths), options.json, output));
  }
  return withData(async (data) => {
    const statuses = await dataStatus(data, targets(data, paths));
    if (options.json) {
      printJson(output, statuses);
      return 0;
    }
    if (statuses.length === 0) {
      output.stdout.write('No data is tracked. Track a file or directory with `sluice data add PATH`.\n');
      return 0;
    }
    const advice: Record<string, string> = {
      unchanged: 'up to date',
      modified: 'modified: `sluice data add` records the new version, `sluice data checkout --force` restores the tracked one',
      'not-checked-out': 'another version than tracked (not checked out since the pointer changed): `sluice data checkout` restores the tracked one, nothing is lost',
      missing: 'missing: `sluice data checkout` restores it',
      // The working copy matches its pointer: adding it again stores it, no remote needed.
      'not-in-cache': 'not in the local cache (the working copy is intact): `sluice data add` stores it again; `sluice data pull` fetches it',
    };
    // The tracked version is not here to restore: pull fetches it (and restores it), checkout cannot.
    const uncached: Record<string, string> = {
      missing: 'missing, and not in the local cache: `sluice data pull` fetches and restores it',
      modified: 'modified; the tracked version is not in the local cache: `sluice data add` records yours, `sluice data pull --force` restores the tracked one',
      'not-checked-out': 'another version than tracked, and the tracked one is not in the local cache: `sluice data pull` fetches and restores it',
    };
    // Paths as the user names them from where they are (arguments are read that way too); --json keeps the root's.
    const shown = (target: string) => relative(process.cwd(), join(data.root, target)) || '.';
    output.stdout.write(renderTable(['Path', 'State'], statuses.map((status) => [shown(status.target), (!status.inCache && uncached[status.state]) || advice[status.state]!])));
    return 0;
  });
}

const checkoutSchema = z.object({ force: z.boolean().default(false) });

export async function dataCheckoutCommand(paths: readonly string[], rawOptions: unknown, output: CliOutput): Promise<number> {
  const options = parseOptions(checkoutSchema, rawOptions, 'data checkout');
  return withData(async (data) => {
    const result = await checkoutData(data, targets(data, paths), undefined, { force: options.force });
    for (const path of result.restored) output.stdout.write(`Restored ${path}\n`);
    output.stdout.write(`${result.restored.length} restored, ${result.unchanged.length} already up to date.\n`);
    return 0;
  });
}

export async function dataDiffCommand(revisions: readonly string[], rawOptions: unknown, output: CliOutput): Promise<number> {
  const options = parseOptions(jsonSchema, rawOptions, 'data diff');
  return withData(async (data) => {
    const diff = await diffData(data, revisions[0] ?? 'HEAD', revisions[1]);
    if (options.json) {
      printJson(output, diff);
      return 0;
    }
    if (diff.changes.length === 0) {
      output.stdout.write(`No data changed between ${diff.from} and ${diff.to}.\n`);
      return 0;
    }
    const size = (bytes: number | undefined) => (bytes === undefined ? '—' : formatBytes(bytes));
    output.stdout.write(renderTable(['Change', 'Path', diff.from, diff.to], diff.changes.map((change) => [change.change, change.path, size(change.oldSize), size(change.newSize)])));
    const count = (kind: string) => diff.changes.filter((change) => change.change === kind).length;
    output.stdout.write(`\n${count('added')} added, ${count('modified')} modified, ${count('deleted')} deleted.\n`);
    for (const path of diff.unknown) output.stdout.write(`note: ${path} changed, but its file list is not in the cache; \`sluice data pull\` fetches it for a file-by-file diff.\n`);
    return 0;
  });
}

const gcSchema = z.object({ force: z.boolean().default(false), json: z.boolean().default(false), projects: z.array(z.string().min(1)).optional() });

export async function dataGcCommand(rawOptions: unknown, output: CliOutput): Promise<number> {
  const options = parseOptions(gcSchema, rawOptions, 'data gc');
  return withData(async (data) => {
    // By real paths: a .sluice/cache that is a symlink to shared storage is shared too.
    const real = (path: string) => (existsSync(path) ? realpathSync(path) : resolve(path));
    const inside = relative(real(data.root), real(data.cache.dir));
    const shared = inside.startsWith('..') || isAbsolute(inside);
    if (shared && options.force && options.projects === undefined) throw sharedCacheGc({ cache: data.cache.dir, root: data.root });
    const projects = await openProjects(data, options.projects ?? []);
    let report;
    try {
      report = await collectGarbage(data, { dryRun: !options.force, projects });
    } finally {
      for (const project of projects) await project.close();
    }
    if (options.json) {
      printJson(output, report);
      return 0;
    }
    const scope = `pointers and sluice.lock in the working copy and in ${report.commits} commits on branches and tags, and registered models`;
    if (report.removed) output.stdout.write(`Removed ${report.removable} unused objects (${formatBytes(report.removableBytes)}); kept ${report.kept} referenced by ${scope}.\n`);
    else if (report.removable === 0) output.stdout.write(`Nothing to remove: all ${report.kept} cache objects are referenced by ${scope}.\n`);
    else output.stdout.write(`${report.removable} cache objects (${formatBytes(report.removableBytes)}) are not referenced by ${scope}; ${report.kept} are. Nothing was removed: rerun with --force to remove them.\n`);
    if (shared && options.projects === undefined) output.stdout.write(`note: the cache ${data.cache.dir} is outside this workspace; other checkouts sharing it are not counted. Name them with --projects DIR… (--force requires it).\n`);
    return 0;
  });
}

/** The other checkouts `--projects` names, each opened as its own workspace; one on another cache is refused. */
async function openProjects(data: DataWorkspace, dirs: readonly string[]): Promise<DataWorkspace[]> {
  const projects: DataWorkspace[] = [];
  try {
    for (const dir of dirs) {
      const project = await openDataWorkspace(currentWorkspace(resolve(dir)));
      projects.push(project);
      if (resolve(project.cache.dir) !== resolve(data.cache.dir)) throw invalidOption({ command: 'data gc', problem: `--projects ${dir} uses the cache ${project.cache.dir}, not this one (${data.cache.dir}): name only checkouts that share it` });
    }
    return projects.filter((project) => project.root !== data.root);
  } catch (error) {
    for (const project of projects) await project.close();
    throw error;
  }
}

const transferSchema = z.object({
  remote: z.string().min(1).optional(),
  jobs: z.coerce.number({ error: 'must be a number' }).int().min(1, { error: 'must be at least 1' }).max(128).default(8),
  force: z.boolean().default(false),
});

export async function dataTransferCommand(direction: 'push' | 'pull', paths: readonly string[], rawOptions: unknown, output: CliOutput): Promise<number> {
  const options = parseOptions(transferSchema, rawOptions, `data ${direction}`);
  return withData(async (data) => {
    const { remote, storage } = await openRemote(data.workspace, options.remote);
    const progress = progressDisplay(output.stderr, direction === 'push' ? `Pushing to ${remote.name}` : `Pulling from ${remote.name}`);
    try {
      const transfer = direction === 'push' ? pushData : pullData;
      const report = await transfer(data, storage, targets(data, paths), { jobs: options.jobs, force: options.force, onProgress: (state) => progress.update(state) });
      progress.finish();
      const verb = direction === 'push' ? 'pushed to' : 'pulled from';
      output.stdout.write(`${report.transferred} objects ${verb} ${remote.name} (${storage.url}), ${formatBytes(report.bytes)}; ${report.skipped} already there.\n`);
      for (const path of report.checkedOut) output.stdout.write(`Restored ${path}\n`);
      return 0;
    } finally {
      progress.finish();
      (storage as { destroy?: () => void }).destroy?.();
    }
  });
}

const remoteAddSchema = z.object({ default: z.boolean().default(false), endpoint: z.string().url({ error: 'must be a URL' }).optional(), region: z.string().min(1).optional() });

export async function remoteAddCommand(name: string, url: string, rawOptions: unknown, output: CliOutput): Promise<number> {
  const options = parseOptions(remoteAddSchema, rawOptions, 'remote add');
  const workspace = currentWorkspace();
  // A relative directory is where the user is, as any path on a command line; the config keeps it
  // relative to the workspace root (which is how it is read), so it stays right in every clone.
  const relativeDirectory = !/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !isAbsolute(url);
  const stored = relativeDirectory ? relative(workspace.root, resolve(url)) || '.' : url;
  addRemote(workspace, name, { url: stored, ...(options.endpoint ? { endpoint: options.endpoint } : {}), ...(options.region ? { region: options.region } : {}) }, { makeDefault: options.default });
  const remote = listRemotes(workspace).find((candidate) => candidate.name === name)!;
  output.stdout.write(`Added remote ${name} → ${stored}${relativeDirectory ? ` (${resolve(url)})` : ''}${remote.isDefault ? ' (default)' : ''} in .sluice/config.yaml.\n`);
  return 0;
}

export async function remoteListCommand(rawOptions: unknown, output: CliOutput): Promise<number> {
  const options = parseOptions(jsonSchema, rawOptions, 'remote list');
  const remotes = listRemotes(currentWorkspace());
  if (options.json) {
    printJson(output, remotes);
    return 0;
  }
  if (remotes.length === 0) {
    output.stdout.write('No remotes. Add one with `sluice remote add NAME URL --default` (a directory, file:///path or s3://bucket/prefix).\n');
    return 0;
  }
  output.stdout.write(renderTable(['Name', 'URL', 'Default'], remotes.map((remote) => [remote.name, remote.url + (remote.endpoint ? ` (${remote.endpoint})` : ''), remote.isDefault ? 'yes' : ''])));
  return 0;
}

export async function remoteRemoveCommand(name: string, output: CliOutput): Promise<number> {
  removeRemote(currentWorkspace(), name);
  output.stdout.write(`Removed remote ${name}.\n`);
  return 0;
}
