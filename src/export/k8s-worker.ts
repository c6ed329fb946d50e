/**
 * A pool of `sluice worker` processes on Kubernetes, for the BullMQ route (pure: options in,
 * objects out): a ServiceAccount and a Deployment whose pods clone the repository (an init
 * container), then run `sluice worker --queue $(SLUICE_QUEUE_URL)` in that checkout with the
 * team server's and the shared cache's credentials from Secrets.
 *
 * On SIGTERM a worker stops taking jobs and lets the stages it runs finish;
 * `terminationGracePeriodSeconds` is how long Kubernetes waits for that before SIGKILL. A stage
 * cut off then is not lost: its job's lock lapses and BullMQ's stalled-job check hands it to
 * another worker, and the run cache keeps it from running twice to completion.
 */
import type { StageResources } from '../pipeline/index.js';
import { CHECKOUT_PATH, REMOTE_SECRET, serverEnv } from './argo-workflow.js';
import type { Deployment, EnvVar, ServiceAccount } from './kubernetes-objects.js';
import { placementOf } from './placement.js';

/** The Secret holding the queue's Redis URL (key `url`) when `--queue` is not given. */
export const QUEUE_SECRET = 'sluice-queue';

export interface WorkerDeploymentOptions {
  /** The Deployment's and ServiceAccount's name. */
  readonly name: string;
  readonly namespace?: string | undefined;
  readonly image: string;
  readonly replicas: number;
  /** Jobs each worker runs at once (`sluice worker --concurrency`). */
  readonly concurrency: number;
  /** The worker's labels (`sluice worker --labels`): also its pods' node selector and tolerations. */
  readonly labels: readonly string[];
  /** Requests (and the memory and GPU limits) of each worker pod. */
  readonly resources: StageResources;
  /** redis://… ; without it, the `url` key of the {@link QUEUE_SECRET} Secret. */
  readonly queueUrl?: string | undefined;
  /** The remote the workers share outs through (`sluice worker --remote NAME`). */
  readonly remote: string;
  readonly serverUrl?: string | undefined;
  /** The git repository each worker clones (it checks out the commit each job names). */
  readonly repository: string;
  /** Seconds between SIGTERM and SIGKILL: time for running stages to finish. */
  readonly gracePeriodSeconds: number;
  readonly sluiceVersion: string;
}

/** The ServiceAccount and Deployment of a worker pool. */
export function workerDeployment(options: WorkerDeploymentOptions): [ServiceAccount, Deployment] {
  const selector = { 'app.kubernetes.io/name': options.name, 'app.kubernetes.io/component': 'worker' };
  const labels = { ...selector, 'app.kubernetes.io/managed-by': 'sluice', 'app.kubernetes.io/version': options.sluiceVersion.replace(/[^A-Za-z0-9_.-]/g, '-') };
  const namespace = options.namespace ? { namespace: options.namespace } : {};
  const { resources, ...onNodes } = placementOf(options.labels, options.resources);
  const checkout = `${CHECKOUT_PATH}/repo`;
  const queue: EnvVar = options.queueUrl
    ? { name: 'SLUICE_QUEUE_URL', value: options.queueUrl }
    : { name: 'SLUICE_QUEUE_URL', valueFrom: { secretKeyRef: { name: QUEUE_SECRET, key: 'url' } } };
  const volumeMounts = [{ name: 'workspace', mountPath: CHECKOUT_PATH }];
  const serviceAccount: ServiceAccount = {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: options.name, ...namespace, labels },
    // Workers talk to Redis, the server and the cache, never to the Kubernetes API.
    automountServiceAccountToken: false,
  };
  const deployment: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: options.name, ...namespace, labels },
    spec: {
      replicas: options.replicas,
      selector: { matchLabels: selector },
      // A new worker starts before an old one is told to stop: the pool never shrinks during a rollout.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: options.name,
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: options.gracePeriodSeconds,
          ...onNodes,
          initContainers: [
            {
              name: 'checkout',
              image: options.image,
              command: ['git', 'clone', '--quiet', '$(SLUICE_GIT_REPOSITORY)', checkout],
              args: [],
              env: [{ name: 'SLUICE_GIT_REPOSITORY', value: options.repository }],
              volumeMounts,
            },
          ],
          containers: [
            {
              name: 'worker',
              image: options.image,
              command: ['sluice'],
              args: [
                'worker',
                '--queue',
                '$(SLUICE_QUEUE_URL)',
                '--concurrency',
                String(options.concurrency),
                '--remote',
                options.remote,
                ...(options.labels.length > 0 ? ['--labels', options.labels.join(',')] : []),
              ],
              workingDir: checkout,
              env: [queue, ...serverEnv(options.serverUrl)],
              envFrom: [{ secretRef: { name: REMOTE_SECRET, optional: true } }],
              ...(resources ? { resources } : {}),
              volumeMounts,
            },
          ],
          volumes: [{ name: 'workspace', emptyDir: {} }],
        },
      },
    },
  };
  return [serviceAccount, deployment];
}
