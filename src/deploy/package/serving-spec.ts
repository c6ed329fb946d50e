/**
 * What every packaging format renders from: one model served by `sluice serve` in one image.
 * The paths of the server's contract (health, metrics) live here, so the Dockerfile, the
 * Kubernetes manifests and the InferenceService cannot disagree about them.
 */

/** Liveness: 200 while the process is up. */
export const HEALTH_LIVE_PATH = '/v2/health/live';
/** Readiness: 200 once every model is loaded, 503 before. */
export const HEALTH_READY_PATH = '/v2/health/ready';
/** Prometheus metrics. */
export const METRICS_PATH = '/metrics';

/** Where models live in the image. */
export const IMAGE_MODELS_DIR = '/models';

/** The image's working directory: the `node` user's home, writable by it. */
export const IMAGE_WORKDIR = '/home/node';

/**
 * Where `sluice serve` logs predictions in the image, given with --prediction-log so that the
 * volume the manifests mount there does not depend on the server's default. It creates the
 * directory at start, so on a read-only root file system it needs a writable volume there.
 */
export const IMAGE_PREDICTION_LOG_DIR = `${IMAGE_WORKDIR}/sluice-predictions`;

/** The numeric id of the `node` user of the node images: Kubernetes' runAsNonRoot cannot check a user name. */
export const IMAGE_USER_ID = 1000;

/** The ways a model can be packaged. */
export const PACKAGE_FORMATS = ['docker', 'k8s', 'kserve'] as const;
export type PackageFormat = (typeof PACKAGE_FORMATS)[number];

/** Everything the renderers need, resolved and validated. */
export interface ServingSpec {
  /** The Kubernetes name, also the name the model is served under (`/v2/models/NAME`). */
  readonly name: string;
  readonly image: string;
  /** The port `sluice serve` listens on in the container. */
  readonly port: number;
  /** Replicas of the Deployment, and the autoscaler's minimum. */
  readonly replicas: number;
  /** The autoscaler's maximum. */
  readonly maxReplicas: number;
  /** The model file in the build context, relative and with `/`: `model/NAME.onnx`. */
  readonly contextModelFile: string;
  /** The Sluice tarball in the build context: `sluice-0.1.0.tgz`. */
  readonly tarball: string;
  readonly sluiceVersion: string;
  /** BLAKE3 of the model, hex: annotated on pods so a new model rolls them even under the same image tag. */
  readonly modelBlake3: string;
  /** `vendored`: the context holds node_modules and the build runs no npm; `install`: npm installs them at build time. */
  readonly dependencies: 'vendored' | 'install';
}

/** The vendored production dependencies in the build context. */
export const CONTEXT_NODE_MODULES = 'node_modules';

/** The model's path inside the image. */
export function imageModelPath(spec: ServingSpec): string {
  return `${IMAGE_MODELS_DIR}/${spec.name}.onnx`;
}

/** The arguments after `sluice serve`: the model under its name, on every interface, on the spec's port, logging to the image's log directory. */
export function serveArguments(spec: ServingSpec): string[] {
  return [`${spec.name}=${imageModelPath(spec)}`, '--host', '0.0.0.0', '--port', String(spec.port), '--prediction-log', IMAGE_PREDICTION_LOG_DIR];
}
