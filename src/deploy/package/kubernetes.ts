/**
 * Kubernetes manifests for a packaged model: a Deployment of `sluice serve`, a ClusterIP Service
 * in front of it and a HorizontalPodAutoscaler on CPU, written as one multi-document `k8s.yaml`
 * (one file, so one `kubectl apply -f` and one diff in review).
 */
import { stringify } from 'yaml';
import type { Container, Deployment, HorizontalPodAutoscaler, Service } from './manifest-schemas.js';
import { HEALTH_LIVE_PATH, HEALTH_READY_PATH, IMAGE_PREDICTION_LOG_DIR, IMAGE_USER_ID, METRICS_PATH, serveArguments, type ServingSpec } from './serving-spec.js';

/** The file the manifests are written to, in the output directory. */
export const KUBERNETES_MANIFEST_FILE = 'k8s.yaml';

/** The Service's port; it forwards to the container's named port. */
export const SERVICE_PORT = 80;

/** The autoscaler's CPU target, as a percentage of the request. */
export const TARGET_CPU_UTILIZATION = 70;

/**
 * Seconds the pod keeps serving after it is marked for deletion, before SIGTERM: endpoints and
 * kube-proxy rules are updated asynchronously, so requests still arrive for a moment.
 */
export const PRE_STOP_SLEEP_SECONDS = 5;

/** The pre-stop sleep plus time for `sluice serve` to drain in-flight requests after SIGTERM. */
export const TERMINATION_GRACE_PERIOD_SECONDS = 30;

/**
 * Sized for one ONNX model of up to a few hundred MB under load (onnxruntime's arena plus Node's
 * heap). The CPU request is what the autoscaler's percentage refers to; the CPU limit is loose on
 * purpose, since a tight one throttles the server and shows up as tail latency.
 */
const CPU_LIMIT_CORES = 2;

export const DEFAULT_RESOURCES: Container['resources'] = {
  requests: { cpu: '500m', memory: '512Mi' },
  limits: { cpu: String(CPU_LIMIT_CORES), memory: '1Gi' },
};

/**
 * `sluice serve`'s arguments in a pod: one worker per core of the CPU limit. The default, one per
 * core that os.availableParallelism() sees, would count the node's cores, and each worker holds
 * its own copy of the model within the pod's memory limit.
 */
export function podServeArguments(spec: ServingSpec): string[] {
  return [...serveArguments(spec), '--workers', String(CPU_LIMIT_CORES)];
}

/** Labels on every object; the first is the selector. */
export function standardLabels(spec: ServingSpec): Record<string, string> {
  return {
    'app.kubernetes.io/name': spec.name,
    'app.kubernetes.io/component': 'model-server',
    'app.kubernetes.io/managed-by': 'sluice',
  };
}

function selectorLabels(spec: ServingSpec): Record<string, string> {
  return { 'app.kubernetes.io/name': spec.name };
}

/** Prometheus' conventional pod annotations, read by the common `kubernetes-pods` scrape job. */
export function scrapeAnnotations(spec: ServingSpec): Record<string, string> {
  return { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(spec.port), 'prometheus.io/path': METRICS_PATH };
}

/** Readiness on the v2 ready endpoint (503 until the model is loaded), liveness on the live one. */
export function healthProbes(port: number | string): Pick<Container, 'readinessProbe' | 'livenessProbe'> {
  return {
    readinessProbe: { httpGet: { path: HEALTH_READY_PATH, port }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
    livenessProbe: { httpGet: { path: HEALTH_LIVE_PATH, port }, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
  };
}

export function deployment(spec: ServingSpec): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: spec.name, labels: standardLabels(spec) },
    spec: {
      // The autoscaler owns the count after the first apply; this is its starting point.
      replicas: spec.replicas,
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels(spec) },
      // Never below the current capacity during a rollout.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: {
          labels: standardLabels(spec),
          // The hash makes a new model roll the pods even when it is pushed under the same image tag.
          annotations: { ...scrapeAnnotations(spec), 'sluice/model-blake3': spec.modelBlake3 },
        },
        spec: {
          terminationGracePeriodSeconds: TERMINATION_GRACE_PERIOD_SECONDS,
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: IMAGE_USER_ID, runAsGroup: IMAGE_USER_ID, fsGroup: IMAGE_USER_ID, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'model-server',
              image: spec.image,
              imagePullPolicy: 'IfNotPresent',
              args: podServeArguments(spec),
              ports: [{ name: 'http', containerPort: spec.port, protocol: 'TCP' }],
              ...healthProbes('http'),
              resources: DEFAULT_RESOURCES,
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              lifecycle: { preStop: { exec: { command: ['sleep', String(PRE_STOP_SLEEP_SECONDS)] } } },
              // The root file system is read-only: a scratch /tmp for Node and onnxruntime, and the
              // prediction log, which lives as long as the pod (a PersistentVolumeClaim keeps it longer).
              volumeMounts: [
                { name: 'tmp', mountPath: '/tmp' },
                { name: 'predictions', mountPath: IMAGE_PREDICTION_LOG_DIR },
              ],
            },
          ],
          // No size limit on the log: exceeding one evicts the pod.
          volumes: [
            { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
            { name: 'predictions', emptyDir: {} },
          ],
        },
      },
    },
  };
}

export function service(spec: ServingSpec): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: spec.name, labels: standardLabels(spec) },
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(spec),
      ports: [{ name: 'http', port: SERVICE_PORT, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

export function horizontalPodAutoscaler(spec: ServingSpec): HorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: spec.name, labels: standardLabels(spec) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: spec.name },
      minReplicas: spec.replicas,
      maxReplicas: spec.maxReplicas,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: TARGET_CPU_UTILIZATION } } }],
    },
  };
}

/** YAML documents separated by `---`, after a comment header. Long strings are never folded. */
export function renderYamlDocuments(header: readonly string[], objects: readonly unknown[]): string {
  const comments = header.map((line) => `# ${line}`.trimEnd()).join('\n');
  return `${comments}\n${objects.map((object) => stringify(object, { lineWidth: 0 })).join('---\n')}`;
}

/** `k8s.yaml`: Deployment, Service, HorizontalPodAutoscaler. */
export function renderKubernetesManifests(spec: ServingSpec): string {
  return renderYamlDocuments(
    [
      `Kubernetes manifests for the model "${spec.name}", written by \`sluice package\` (Sluice ${spec.sluiceVersion}).`,
      `Build and push the image ${spec.image} first (see README.md), then: kubectl apply -f ${KUBERNETES_MANIFEST_FILE}`,
      `In the cluster: http://${spec.name}/v2/models/${spec.name}/infer (Open Inference Protocol v2), /invocations, /predict;`,
      `metrics on the pods' port ${spec.port} at ${METRICS_PATH}.`,
    ],
    [deployment(spec), service(spec), horizontalPodAutoscaler(spec)],
  );
}
