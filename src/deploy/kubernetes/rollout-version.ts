/**
 * The serving spec of a registered version for `sluice deploy --target k8s`: the same names, image
 * tag, port and model hash `sluice package models:/NAME/V --format k8s` gives it, so the manifests
 * run the image that command builds (which `sluice deploy --target k8s` does not build).
 */
import { hashFile } from '../../core/index.js';
import { defaultMaxReplicas, deriveKubernetesName, findSluiceRoot, PACKAGE_DEFAULTS, readSluiceVersion, type ServingSpec } from '../package/index.js';
import { defaultImage } from '../package/names.js';
import type { KubernetesModelVersion } from './write-kubernetes-rollout.js';

export interface RegisteredModelFile {
  readonly model: string;
  readonly version: number;
  /** The version's ONNX file. */
  readonly path: string;
}

export async function kubernetesModelVersion(file: RegisteredModelFile): Promise<KubernetesModelVersion> {
  const name = deriveKubernetesName(file.model);
  const sluiceVersion = readSluiceVersion(findSluiceRoot());
  const replicas = PACKAGE_DEFAULTS.replicas;
  const serving: ServingSpec = {
    name,
    image: defaultImage(name, String(file.version)),
    port: PACKAGE_DEFAULTS.port,
    replicas,
    maxReplicas: defaultMaxReplicas(replicas),
    contextModelFile: `model/${name}.onnx`,
    tarball: `sluice-${sluiceVersion}.tgz`,
    sluiceVersion,
    modelBlake3: (await hashFile(file.path)).replace(/^blake3:/, ''),
    dependencies: 'vendored',
  };
  return { model: file.model, version: String(file.version), serving };
}
