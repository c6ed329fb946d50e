/** The package's README.md: what is in the directory and the commands to build, run and deploy it. */
import { KUBERNETES_MANIFEST_FILE, SERVICE_PORT } from './kubernetes.js';
import { KSERVE_MANIFEST_FILE } from './kserve.js';
import type { TensorSummary } from './model-summary.js';
import { PACKAGE_MANIFEST_FILE } from './package-manifest.js';
import { HEALTH_LIVE_PATH, HEALTH_READY_PATH, IMAGE_PREDICTION_LOG_DIR, METRICS_PATH, type PackageFormat, type ServingSpec } from './serving-spec.js';

/** Open Inference Protocol datatypes by onnxruntime element type. */
const DATATYPES: Readonly<Record<string, string>> = {
  bool: 'BOOL',
  uint8: 'UINT8',
  uint16: 'UINT16',
  uint32: 'UINT32',
  uint64: 'UINT64',
  int8: 'INT8',
  int16: 'INT16',
  int32: 'INT32',
  int64: 'INT64',
  float16: 'FP16',
  float32: 'FP32',
  float64: 'FP64',
  string: 'BYTES',
};

/** Above this many values an example request is more noise than help. */
const MAX_EXAMPLE_VALUES = 256;

/**
 * A v2 infer request of one row of zeros, when the inputs' shapes say how many values a row has
 * (a symbolic first dimension is the batch); undefined otherwise.
 */
export function exampleInferRequest(inputs: readonly TensorSummary[]): string | undefined {
  if (inputs.length === 0) return undefined;
  const tensors: unknown[] = [];
  for (const input of inputs) {
    const datatype = DATATYPES[input.type];
    if (!datatype || !input.shape || input.shape.length === 0) return undefined;
    const shape = input.shape.map((dimension, index) => (typeof dimension === 'number' ? dimension : index === 0 ? 1 : undefined));
    if (shape.some((dimension) => dimension === undefined)) return undefined;
    const count = (shape as number[]).reduce((product, dimension) => product * dimension, 1);
    if (count === 0 || count > MAX_EXAMPLE_VALUES) return undefined;
    const zero = datatype === 'BYTES' ? '' : datatype === 'BOOL' ? false : 0;
    tensors.push({ name: input.name, shape, datatype, data: new Array<unknown>(count).fill(zero) });
  }
  return JSON.stringify({ inputs: tensors });
}

export interface ReadmeInput {
  readonly spec: ServingSpec;
  readonly format: PackageFormat;
  /** The model as the user named it. */
  readonly source: string;
  readonly inputs: readonly TensorSummary[];
}

function deploySection({ spec, format }: ReadmeInput): string[] {
  const push = [
    'Push the image to a registry the cluster can pull from (package with `--image REGISTRY/REPOSITORY:TAG`',
    'so that the manifest names it there), then:',
    '',
    '```sh',
    `docker push ${spec.image}`,
  ];
  if (format === 'k8s') {
    return [
      '## Deploy to Kubernetes',
      '',
      ...push,
      `kubectl apply -f ${KUBERNETES_MANIFEST_FILE}`,
      `kubectl rollout status deployment/${spec.name}`,
      `kubectl port-forward service/${spec.name} ${spec.port}:${SERVICE_PORT}`,
      '```',
      '',
      `\`${KUBERNETES_MANIFEST_FILE}\` holds a Deployment (${spec.replicas} replicas, probes on the health endpoints, a non-root`,
      'read-only container with writable `/tmp` and prediction-log volumes, a pre-stop pause so endpoints',
      'drain before SIGTERM), a ClusterIP Service',
      `(port ${SERVICE_PORT} → ${spec.port}) and a HorizontalPodAutoscaler (CPU 70 %, ${spec.replicas}–${spec.maxReplicas} replicas). The pods carry`,
      `Prometheus scrape annotations for \`${METRICS_PATH}\`.`,
      '',
    ];
  }
  if (format === 'kserve') {
    return [
      '## Deploy to KServe',
      '',
      ...push,
      `kubectl apply -f ${KSERVE_MANIFEST_FILE}`,
      `kubectl get inferenceservice ${spec.name}`,
      '```',
      '',
      `\`${KSERVE_MANIFEST_FILE}\` is an InferenceService with a custom predictor container (\`kserve-container\`,`,
      `port ${spec.port} named http1, \`PROTOCOL=v2\`), ${spec.replicas}–${spec.maxReplicas} replicas.`,
      '',
    ];
  }
  return [];
}

export function renderReadme(input: ReadmeInput): string {
  const { spec, format, source } = input;
  const base = `http://localhost:${spec.port}`;
  const example = exampleInferRequest(input.inputs);
  const files = [
    '- `Dockerfile`, `.dockerignore`: the image (Sluice from the tarball, the model in `/models`).',
    `- \`${spec.contextModelFile}\`: the model.`,
    `- \`${spec.tarball}\`: Sluice ${spec.sluiceVersion}, which is not on npm, packed for the image.`,
    ...(spec.dependencies === 'vendored'
      ? ['- `node_modules/`: Sluice\'s production dependencies, copied from the installation that packaged it (native modules for Linux on that machine\'s architecture): `docker build` runs no npm and needs no network.']
      : ['- The Dockerfile installs Sluice\'s production dependencies with npm at build time, which needs the network.']),
    `- \`${PACKAGE_MANIFEST_FILE}\`: what was packaged: source, hashes, signature, image.`,
    ...(format === 'k8s' ? [`- \`${KUBERNETES_MANIFEST_FILE}\`: Deployment, Service and HorizontalPodAutoscaler.`] : []),
    ...(format === 'kserve' ? [`- \`${KSERVE_MANIFEST_FILE}\`: the KServe InferenceService.`] : []),
  ];
  return [
    `# ${spec.name}`,
    '',
    `A model server for \`${source}\` (BLAKE3 \`${spec.modelBlake3.slice(0, 12)}…\`), written by \`sluice package\` (Sluice ${spec.sluiceVersion}).`,
    '',
    '## Build and run',
    '',
    '```sh',
    `docker build -t ${spec.image} .`,
    `docker run --rm -p ${spec.port}:${spec.port} ${spec.image}`,
    '```',
    '',
    'Then:',
    '',
    '```sh',
    `curl ${base}${HEALTH_READY_PATH}  # 200 once the model is loaded`,
    `curl ${base}/v2/models/${spec.name}  # its inputs and outputs`,
    ...(example ? [`curl -H 'content-type: application/json' -d '${example.replaceAll("'", "'\\''")}' ${base}/v2/models/${spec.name}/infer`] : []),
    '```',
    '',
    `Endpoints: \`${HEALTH_LIVE_PATH}\`, \`${HEALTH_READY_PATH}\`, the Open Inference Protocol v2 under \`/v2/models/${spec.name}\`,`,
    `MLflow's \`POST /invocations\`, \`POST /predict\`, and Prometheus metrics at \`${METRICS_PATH}\`. The container stops on SIGTERM`,
    'after finishing the requests in flight.',
    '',
    `Predictions are logged (JSON lines) to \`${IMAGE_PREDICTION_LOG_DIR}\` in the container. To keep them, mount a`,
    `volume there (\`docker run -v ${spec.name}-predictions:${IMAGE_PREDICTION_LOG_DIR} …\`); a host directory must be writable by uid 1000.`,
    '',
    ...deploySection(input),
    '## Files',
    '',
    ...files,
    '',
  ].join('\n');
}
