/**
 * The workflows behind `sluice export argo` and `sluice export k8s-worker`: read what the cluster
 * needs from the workspace (the pipeline's DAG, the commit and where git can clone it, the shared
 * cache), check the names, render, and write one YAML file.
 */
import { mkdirSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { readFileAtRevision, readGitPrefix, readGitRemoteUrl, readGitState, writeFileAtomic } from '../core/index.js';
import { checkImageReference, deriveKubernetesName, kubernetesNameProblem, KUBERNETES_NAME_MAX_LENGTH } from '../deploy/index.js';
import { buildGraph, dagEdges, isStageLabel, loadPipeline, STAGE_LABEL_FORMAT, type StageResources } from '../pipeline/index.js';
import { loadWorkspaceConfig, SLUICE_DIR } from '../workspace/index.js';
import { argoWorkflow } from './argo-workflow.js';
import { invalidExportName, invalidWorkerLabel, noRepository, notCommitted, remoteUnusable, repositoryUnusable } from './errors.js';
import { workerDeployment } from './k8s-worker.js';
import type { Deployment, ServiceAccount, Workflow } from './kubernetes-objects.js';

/** `generateName` gets five random characters appended, and a workflow name is a 63-character label. */
const WORKFLOW_NAME_MAX_LENGTH = KUBERNETES_NAME_MAX_LENGTH - 6;

export interface ExportArgoOptions {
  /** The workspace root. */
  readonly root: string;
  /** The file to write; `-`: none (the result's `yaml` is for the caller to print). */
  readonly out: string;
  readonly sluiceVersion: string;
  readonly image?: string | undefined;
  readonly name?: string | undefined;
  readonly namespace?: string | undefined;
  readonly serverUrl?: string | undefined;
  readonly remote?: string | undefined;
  readonly repository?: string | undefined;
  readonly retries: number;
  readonly serviceAccount?: string | undefined;
  readonly gitSecret?: string | undefined;
}

/** What an export wrote, and what the user should know about it. */
export interface ExportResult<T> {
  readonly out: string;
  /** The manifest as written. */
  readonly yaml: string;
  readonly objects: T;
  /** Sentences about what the cluster will not see as the workspace has it. */
  readonly warnings: readonly string[];
}

/** Compiles the workspace's pipeline to an Argo Workflow and writes it to `options.out`. */
export async function exportArgoWorkflow(options: ExportArgoOptions): Promise<ExportResult<Workflow> & { commit: string; edges: number }> {
  const pipeline = loadPipeline(options.root);
  const graph = buildGraph(pipeline);
  const warnings: string[] = [];
  // The file this writes (and wrote last time) inside the project does not make it dirty.
  const own = relative(options.root, resolve(options.out));
  const git = await readGitState(options.root, { ownPaths: own.startsWith('..') || isAbsolute(own) ? [] : [own] });
  if (!git.commit) throw notCommitted({ root: options.root });
  if (git.dirty) warnings.push(`the working copy has uncommitted changes: the workflow runs commit ${git.commit.slice(0, 12)} as committed`);
  const remote = (await checkSharedRemote(options.root, options.remote)).given;
  const workflow = argoWorkflow(graph, {
    name: kubernetesName('workflow name', options.name ?? deriveKubernetesName(basename(options.root), WORKFLOW_NAME_MAX_LENGTH), WORKFLOW_NAME_MAX_LENGTH),
    namespace: options.namespace === undefined ? undefined : kubernetesName('namespace', options.namespace),
    image: checkImageReference(options.image ?? defaultImage(options.sluiceVersion)),
    repository: await cloneUrl(options.root, options.repository, warnings),
    revision: git.commit,
    workspacePrefix: await readGitPrefix(options.root),
    serverUrl: options.serverUrl,
    remote,
    retries: options.retries,
    serviceAccount: options.serviceAccount === undefined ? undefined : kubernetesName('service account', options.serviceAccount),
    gitSecret: options.gitSecret === undefined ? undefined : kubernetesName('git secret', options.gitSecret),
    sluiceVersion: options.sluiceVersion,
  });
  const header = [
    `Argo Workflow of the pipeline in ${basename(options.root)} at commit ${git.commit}, written by sluice export argo (Sluice ${options.sluiceVersion}).`,
    'Every stage runs `sluice stage run NAME --pull --push` in its own pod, against the shared cache and the team server.',
    'Secrets: sluice-server (url, token), sluice-remote (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, ...). Submit with: argo submit FILE',
  ];
  const yaml = writeYaml(options.out, header, [workflow]);
  return { out: options.out, yaml, objects: workflow, warnings, commit: git.commit, edges: dagEdges(graph).length };
}

export interface ExportWorkerOptions {
  readonly root: string;
  readonly out: string;
  readonly sluiceVersion: string;
  readonly image?: string | undefined;
  readonly name: string;
  readonly namespace?: string | undefined;
  readonly replicas: number;
  readonly concurrency: number;
  /** As given to --labels: comma-separated. */
  readonly labels: readonly string[];
  readonly resources: StageResources;
  readonly queueUrl?: string | undefined;
  readonly serverUrl?: string | undefined;
  readonly repository?: string | undefined;
  /** The shared cache's remote (default: default_remote); it must be S3. */
  readonly remote?: string | undefined;
  readonly gracePeriodSeconds: number;
}

/** Writes the ServiceAccount and Deployment of a `sluice worker` pool to `options.out`. */
export async function exportWorkerDeployment(options: ExportWorkerOptions): Promise<ExportResult<[ServiceAccount, Deployment]>> {
  for (const label of options.labels) if (!isStageLabel(label)) throw invalidWorkerLabel({ label, format: STAGE_LABEL_FORMAT });
  // The worker's own rules (loaded here only: the distributed module brings BullMQ with it).
  const { MAX_WORKER_LABELS, parseQueueUrl } = await import('../distributed/index.js');
  if (new Set(options.labels).size > MAX_WORKER_LABELS) throw invalidWorkerLabel({ label: options.labels.join(','), format: `a worker takes at most ${MAX_WORKER_LABELS} labels (it listens to a queue for every subset of them)` });
  // What `sluice worker` accepts, checked here: a URL it refuses would leave the pods crash-looping.
  if (options.queueUrl !== undefined) parseQueueUrl(options.queueUrl);
  // Each pod has a checkout of its own and no shared directory: outs reach the submitter through the S3 remote.
  const remote = (await checkSharedRemote(options.root, options.remote)).chosen;
  const warnings: string[] = [];
  if (options.queueUrl !== undefined && new URL(options.queueUrl).password) {
    warnings.push('the --queue URL holds a password, which is now in the manifest in plain text: leave --queue out and put the URL in the sluice-queue Secret instead');
  }
  const objects = workerDeployment({
    name: kubernetesName('worker name', options.name),
    namespace: options.namespace === undefined ? undefined : kubernetesName('namespace', options.namespace),
    image: checkImageReference(options.image ?? defaultImage(options.sluiceVersion)),
    replicas: options.replicas,
    concurrency: options.concurrency,
    labels: options.labels,
    resources: options.resources,
    queueUrl: options.queueUrl,
    serverUrl: options.serverUrl,
    remote,
    repository: await cloneUrl(options.root, options.repository, warnings),
    gracePeriodSeconds: options.gracePeriodSeconds,
    sluiceVersion: options.sluiceVersion,
  });
  const header = [
    `sluice worker pool for ${basename(options.root)}, written by sluice export k8s-worker (Sluice ${options.sluiceVersion}).`,
    'Secrets: sluice-queue (url, unless --queue was given), sluice-server (url, token), sluice-remote (AWS_* for the shared cache).',
    'Apply with: kubectl apply -f FILE',
  ];
  const yaml = writeYaml(options.out, header, objects);
  return { out: options.out, yaml, objects, warnings };
}

/** The image with Sluice and the stages' tools, unless --image says otherwise. */
function defaultImage(version: string): string {
  return `sluice:${version.replace(/[^A-Za-z0-9_.-]/g, '-')}`;
}

function kubernetesName(what: string, name: string, maxLength = KUBERNETES_NAME_MAX_LENGTH): string {
  const problem = kubernetesNameProblem(name, maxLength);
  if (problem) throw invalidExportName({ what, name, problem });
  return name;
}

/** The remote the pods share: named, or the default; it must be S3 (pods share no directory). Returns the name given, if any, and the one chosen. */
async function checkSharedRemote(root: string, name: string | undefined): Promise<{ given: string | undefined; chosen: string }> {
  const config = loadWorkspaceConfig(root);
  const remotes = config.remotes ?? {};
  const chosen = name ?? config.default_remote;
  if (chosen === undefined) throw remoteUnusable({ problem: Object.keys(remotes).length === 0 ? '.sluice/config.yaml has no remote' : 'no default remote is set and --remote names none' });
  const remote = remotes[chosen];
  if (!remote) throw remoteUnusable({ problem: `there is no remote "${chosen}" (known: ${Object.keys(remotes).join(', ') || 'none'})` });
  if (!remote.url.startsWith('s3://')) throw remoteUnusable({ problem: `remote "${chosen}" is the directory ${remote.url}, which the cluster's pods cannot reach` });
  // The pods check out a commit: a remote only in the working copy's config is one they never see.
  if ((await committedRemoteUrl(root, chosen)) !== remote.url) {
    throw remoteUnusable({ problem: `remote "${chosen}" is not in the committed .sluice/config.yaml as it is in the working copy, and the pods check out the commit: commit .sluice/config.yaml first` });
  }
  return { given: name, chosen };
}

/** The URL of remote `name` in the committed `.sluice/config.yaml`, if it has one. */
async function committedRemoteUrl(root: string, name: string): Promise<unknown> {
  try {
    const text = await readFileAtRevision(root, 'HEAD', join(SLUICE_DIR, 'config.yaml'));
    const config = text === undefined ? undefined : (parse(text) as { remotes?: Record<string, { url?: unknown } | undefined> } | null);
    return config?.remotes?.[name]?.url;
  } catch {
    return undefined; // no commit, or a committed config that does not parse: the pods see no remote either
  }
}

/**
 * Where the pods clone the repository from: --repository, else git's `origin`. Credentials in the
 * URL are never written to a manifest: they are removed, with a warning naming --git-secret.
 */
async function cloneUrl(root: string, given: string | undefined, warnings: string[]): Promise<string> {
  const url = given ?? (await readGitRemoteUrl(root));
  if (!url) throw noRepository({});
  const remote = /^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(url) && !/^file:/i.test(url);
  // git's scp-like form: [user@]host:path, the host possibly a bracketed IPv6 address.
  const scpLike = /^(?:[^\s@/:]+@)?(?:\[[^\]\s]+\]|[^\s/:]+):(?!\/\/)\S+$/.test(url);
  if (!remote && !scpLike) {
    // A path (or file://) is a clone on this machine: the cluster's pods have no such folder.
    const local = /^(file:|\/|\.{1,2}\/|~)/i.test(url);
    throw repositoryUnusable({ url, problem: local ? 'it is a folder on this machine, which the pods do not have' : 'it is not a git URL (scheme://host/path, or user@host:path)' });
  }
  const withoutCredentials = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
  if (withoutCredentials !== url && /^https?:/i.test(url)) {
    warnings.push('the repository URL held credentials; they were left out of the manifest (give the pods a Secret instead: --git-secret for workflows)');
  }
  return /^https?:/i.test(url) ? withoutCredentials : url;
}

/** The manifest's text, written to `out` (not when `out` is `-`: the caller prints it, for `| kubectl apply -f -`). */
function writeYaml(out: string, header: readonly string[], objects: readonly unknown[]): string {
  const comments = header.map((line) => `# ${line}`).join('\n');
  const text = `${comments}\n${objects.map((object) => stringify(object, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n')}`;
  if (out === '-') return text;
  const path = resolve(out);
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, text);
  return text;
}
