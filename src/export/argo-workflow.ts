/**
 * The pipeline's DAG as an Argo Workflows `Workflow` (pure: graph and options in, object out).
 *
 * Every stage is its own container template running `sluice stage run NAME --pull --push` in the
 * image, in a checkout of the commit (a `git` input artifact at the workflow's `revision`
 * parameter): the pods share no disk, so a stage gets its inputs from the shared cache (`--pull`)
 * and publishes its outputs there (`--push`), and records to the team server. One DAG template
 * holds a task per stage whose `dependencies` are exactly the graph's edges: data edges, `after:`
 * and validate guards.
 *
 * foreach/matrix items are separate stages in the graph (`evaluate@test`), so each becomes its own
 * template and task rather than one task `withItems`: the items' deps differ (`${item}`), so their
 * edges differ, and a downstream stage that reads one item's output waits for that item only.
 */
import type { PipelineGraph, Stage } from '../pipeline/index.js';
import type { ContainerTemplate, DagTask, EnvVar, GitArtifact, Workflow } from './kubernetes-objects.js';
import { NODE_LABEL_PREFIX, placementOf } from './placement.js';

/** The Secret holding the team server's `url` (unless `--server-url` is given) and `token`. */
export const SERVER_SECRET = 'sluice-server';
/**
 * The Secret whose keys (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, …) become the pods' environment,
 * for the shared cache; optional, for clusters that grant S3 access to the pod's identity instead.
 */
export const REMOTE_SECRET = 'sluice-remote';
/** Where the commit is checked out in every stage's pod. */
export const CHECKOUT_PATH = '/workspace';
/** The template annotation naming the stage a template runs (stage names may hold `@`, which task names may not). */
export const STAGE_ANNOTATION = `${NODE_LABEL_PREFIX}stage`;
/** Argo's rule for template and task names (workflow/validate/validate.go: workflowFieldNameFmt, at most 128). */
export const ARGO_FIELD_NAME = /^[a-zA-Z0-9][-a-zA-Z0-9]*$/;

const ENTRYPOINT = 'pipeline';

export interface ArgoWorkflowOptions {
  /** The workflow's name prefix (`generateName: NAME-`) and `app.kubernetes.io/name`. */
  readonly name: string;
  readonly namespace?: string | undefined;
  readonly image: string;
  /** The git repository the pods check out (no credentials in it: see `gitSecret`). */
  readonly repository: string;
  /** The commit every stage runs at (the `revision` parameter's default). */
  readonly revision: string;
  /** The Sluice workspace inside the repository: `''` at its top, `sub/dir/` below it. */
  readonly workspacePrefix: string;
  /** The team server's URL; without it, the `url` key of the {@link SERVER_SECRET} Secret. */
  readonly serverUrl?: string | undefined;
  /** The remote named to `sluice stage run --remote`; the workspace's default remote when absent. */
  readonly remote?: string | undefined;
  /** Retries of a stage whose pod failed for a reason other than its command (node lost, evicted). */
  readonly retries: number;
  readonly serviceAccount?: string | undefined;
  /** A Secret with `username` and `password` keys for cloning a private repository over HTTPS. */
  readonly gitSecret?: string | undefined;
  readonly sluiceVersion: string;
}

/** The Workflow running `graph`'s stages as a DAG. */
export function argoWorkflow(graph: PipelineGraph, options: ArgoWorkflowOptions): Workflow {
  const tasks = taskNames(graph.order);
  const labels = {
    'app.kubernetes.io/name': options.name,
    'app.kubernetes.io/component': 'pipeline',
    'app.kubernetes.io/managed-by': 'sluice',
    [`${NODE_LABEL_PREFIX}commit`]: options.revision,
  };
  const dag: DagTask[] = graph.order.map((stage) => {
    const upstream = [...(graph.upstream.get(stage.name) ?? [])].map((name) => tasks.get(name)!).sort();
    return { name: tasks.get(stage.name)!, template: templateName(tasks.get(stage.name)!), ...(upstream.length > 0 ? { dependencies: upstream } : {}) };
  });
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: {
      generateName: `${options.name}-`,
      ...(options.namespace ? { namespace: options.namespace } : {}),
      labels,
      annotations: { [`${NODE_LABEL_PREFIX}repository`]: options.repository, [`${NODE_LABEL_PREFIX}sluice-version`]: options.sluiceVersion },
    },
    spec: {
      entrypoint: ENTRYPOINT,
      ...(options.serviceAccount ? { serviceAccountName: options.serviceAccount } : {}),
      arguments: {
        parameters: [
          { name: 'repository', value: options.repository },
          { name: 'revision', value: options.revision },
        ],
      },
      podMetadata: { labels },
      templates: [{ name: ENTRYPOINT, dag: { tasks: dag } }, ...graph.order.map((stage) => stageTemplate(stage, templateName(tasks.get(stage.name)!), options))],
    },
  };
}

/**
 * Task names for stages: Argo allows letters, digits and `-` (`evaluate@test` → `evaluate-test`,
 * `prep_data` → `prep-data`); a name taken by an earlier stage gets `-2`, `-3`….
 */
export function taskNames(stages: readonly Stage[]): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const stage of stages) {
    const base = stage.name.replace(/[^a-zA-Z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 110) || 'stage';
    let name = base;
    for (let suffix = 2; taken.has(name.toLowerCase()); suffix++) name = `${base}-${suffix}`;
    taken.add(name.toLowerCase());
    names.set(stage.name, name);
  }
  return names;
}

const templateName = (task: string): string => `stage-${task}`;

function stageTemplate(stage: Stage, name: string, options: ArgoWorkflowOptions): ContainerTemplate {
  const { resources, ...onNodes } = placementOf(stage.labels, stage.resources);
  const source: GitArtifact = {
    name: 'source',
    path: CHECKOUT_PATH,
    git: {
      repo: '{{workflow.parameters.repository}}',
      revision: '{{workflow.parameters.revision}}',
      ...(options.gitSecret
        ? { usernameSecret: { name: options.gitSecret, key: 'username' }, passwordSecret: { name: options.gitSecret, key: 'password' } }
        : {}),
    },
  };
  return {
    name,
    metadata: { annotations: { [STAGE_ANNOTATION]: stage.name } },
    inputs: { artifacts: [source] },
    retryStrategy: { limit: String(options.retries), retryPolicy: 'OnError', backoff: { duration: '10s', factor: '2' } },
    ...onNodes,
    container: {
      // Argo's name for a template's container (and the one `argo logs` reads).
      name: 'main',
      image: options.image,
      command: ['sluice'],
      args: ['stage', 'run', stage.name, '--pull', '--push', ...(options.remote ? ['--remote', options.remote] : [])],
      workingDir: `${CHECKOUT_PATH}/${options.workspacePrefix}`.replace(/\/+$/, ''),
      env: serverEnv(options.serverUrl),
      envFrom: [{ secretRef: { name: REMOTE_SECRET, optional: true } }],
      ...(resources ? { resources } : {}),
    },
  };
}

/**
 * SLUICE_SERVER_URL (a value, or the Secret's `url`: a pod without a server to record to does not
 * start) and SLUICE_TOKEN (the Secret's `token`, optional for a server without tokens).
 */
export function serverEnv(serverUrl: string | undefined): EnvVar[] {
  return [
    serverUrl ? { name: 'SLUICE_SERVER_URL', value: serverUrl } : { name: 'SLUICE_SERVER_URL', valueFrom: { secretKeyRef: { name: SERVER_SECRET, key: 'url' } } },
    { name: 'SLUICE_TOKEN', valueFrom: { secretKeyRef: { name: SERVER_SECRET, key: 'token', optional: true } } },
  ];
}
