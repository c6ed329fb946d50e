/**
 * A KServe InferenceService that runs the packaged image as a custom predictor speaking the Open
 * Inference Protocol (v2), written as `kserve.yaml`.
 *
 * Field names checked against KServe's API types, kserve/kserve:pkg/apis/serving/v1beta1/:
 * - predictor.go: PredictorSpec inlines a PodSpec ("to provide a full PodSpec for a custom
 *   predictor"), so the server is `spec.predictor.containers`, beside the ComponentExtensionSpec
 *   fields `minReplicas`, `maxReplicas` and `annotations` (component.go).
 * - predictor_custom.go: the container named `kserve-container` is the predictor, and its protocol
 *   is that container's `PROTOCOL` env var, v1 or v2 (pkg/constants: CustomSpecProtocolEnvVarKey).
 *   `protocolVersion` is a field of the framework predictors (PredictorExtensionSpec) only, so a
 *   custom container has no such field.
 * - inference_service_validation.go: names must match `[a-z]([-a-z0-9]*[a-z0-9])?`.
 * In serverless mode Knative routes to the container's one port, which must be named `http1`
 * (HTTP/1.1) or `h2c`, and probes may name only that port.
 */
import { reservedPort } from './errors.js';
import { DEFAULT_RESOURCES, healthProbes, podServeArguments, renderYamlDocuments, scrapeAnnotations, standardLabels } from './kubernetes.js';
import type { InferenceService } from './manifest-schemas.js';
import { IMAGE_USER_ID, type ServingSpec } from './serving-spec.js';

/** The file the InferenceService is written to, in the output directory. */
export const KSERVE_MANIFEST_FILE = 'kserve.yaml';

/**
 * Ports Knative's queue-proxy sidecar listens on in every serverless pod (serving, h2c, admin,
 * metrics, user metrics, profiling): the model server cannot have them.
 */
export const KNATIVE_RESERVED_PORTS: readonly number[] = [8012, 8013, 8022, 9090, 9091, 8112];

/** Throws SLUICE_PACKAGE_RESERVED_PORT when `port` is Knative's. */
export function checkKServePort(port: number): void {
  if (KNATIVE_RESERVED_PORTS.includes(port)) throw reservedPort({ port, owner: 'Knative\'s queue-proxy' });
}

export function inferenceService(spec: ServingSpec): InferenceService {
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: { name: spec.name, labels: standardLabels(spec) },
    spec: {
      predictor: {
        minReplicas: spec.replicas,
        maxReplicas: spec.maxReplicas,
        // Annotations here reach the predictor's pods.
        annotations: { ...scrapeAnnotations(spec), 'sluice/model-blake3': spec.modelBlake3 },
        containers: [
          {
            name: 'kserve-container',
            image: spec.image,
            imagePullPolicy: 'IfNotPresent',
            args: podServeArguments(spec),
            env: [{ name: 'PROTOCOL', value: 'v2' }],
            ports: [{ name: 'http1', containerPort: spec.port, protocol: 'TCP' }],
            ...healthProbes(spec.port),
            resources: DEFAULT_RESOURCES,
            // Only fields Knative accepts in serverless mode; its queue-proxy drains requests, so no preStop hook.
            securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, runAsUser: IMAGE_USER_ID, capabilities: { drop: ['ALL'] } },
          },
        ],
      },
    },
  };
}

/** `kserve.yaml`: the InferenceService. */
export function renderKServeManifest(spec: ServingSpec): string {
  return renderYamlDocuments(
    [
      `KServe InferenceService for the model "${spec.name}", written by \`sluice package\` (Sluice ${spec.sluiceVersion}).`,
      `Build and push the image ${spec.image} first (see README.md), then: kubectl apply -f ${KSERVE_MANIFEST_FILE}`,
      `Open Inference Protocol v2 at $ISVC_URL/v2/models/${spec.name}/infer; kubectl get inferenceservice ${spec.name} shows the URL.`,
    ],
    [inferenceService(spec)],
  );
}
