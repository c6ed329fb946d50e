/**
 * @module deploy/package
 * `sluice package`: a model and Sluice in a Docker build context for `sluice serve`, with
 * Kubernetes (Deployment, Service, HorizontalPodAutoscaler) or KServe manifests for the image.
 */
export { packageModel, PACKAGE_DEFAULTS, defaultMaxReplicas, type PackageModelSource, type PackageOptions, type PackageResult } from './package-model.js';
export { PACKAGE_FORMATS, HEALTH_LIVE_PATH, HEALTH_READY_PATH, METRICS_PATH, IMAGE_USER_ID, serveArguments, type PackageFormat, type ServingSpec } from './serving-spec.js';
export { PACKAGE_MANIFEST_FILE, packageManifestSchema, type PackageManifest } from './package-manifest.js';
export { BASE_IMAGE, BASE_IMAGE_BYTES, DOCKERFILE, DOCKERIGNORE_FILE, renderDockerfile, renderDockerignore } from './dockerfile.js';
export { KUBERNETES_MANIFEST_FILE, SERVICE_PORT, renderKubernetesManifests } from './kubernetes.js';
export { KNATIVE_RESERVED_PORTS, KSERVE_MANIFEST_FILE, renderKServeManifest } from './kserve.js';
export {
  deploymentSchema,
  horizontalPodAutoscalerSchema,
  inferenceServiceSchema,
  packagedObjectSchema,
  serviceSchema,
  type Deployment,
  type HorizontalPodAutoscaler,
  type InferenceService,
  type PackagedObject,
  type Service,
} from './manifest-schemas.js';
export { checkImageReference, checkKubernetesName, deriveKubernetesName, kubernetesNameProblem, KSERVE_NAME_MAX_LENGTH, KUBERNETES_NAME_MAX_LENGTH } from './names.js';
export { findSluiceRoot, readSluiceVersion } from './sluice-tarball.js';
export { DEPENDENCY_MODES, imagePlatform, productionDependencies, vendorBlocker, vendorDependencies, type DependencyMode, type VendoredDependencies } from './vendor-dependencies.js';
export {
  invalidImageReference,
  invalidPackageName,
  outDirNotEmpty,
  outPathNotDirectory,
  packageModelNotFound,
  packageNameUnderivable,
  reservedPort,
  sluiceNotPackable,
  cannotVendorDependencies,
} from './errors.js';
