/**
 * The names a package gives things: one Kubernetes name for the Deployment, Service, HPA,
 * InferenceService and the served model, and the container image reference.
 */
import { invalidImageReference, invalidPackageName, packageNameUnderivable } from './errors.js';

/**
 * RFC 1123 labels, as the brief for Deployments asks, but also starting with a letter: Service
 * names are RFC 1035 labels and KServe checks InferenceService names against
 * `[a-z]([-a-z0-9]*[a-z0-9])?` (kserve/kserve:pkg/apis/serving/v1beta1/inference_service_validation.go).
 */
export const KUBERNETES_NAME_PATTERN = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** A label's limit. */
export const KUBERNETES_NAME_MAX_LENGTH = 63;

/**
 * KServe names the Knative revision `NAME-predictor-00001`, itself a 63-character label, so an
 * InferenceService name has 16 characters fewer to spend.
 */
export const KSERVE_NAME_MAX_LENGTH = KUBERNETES_NAME_MAX_LENGTH - '-predictor-00001'.length;

/** What is wrong with `name` as a Kubernetes name, or undefined when it is valid. */
export function kubernetesNameProblem(name: string, maxLength: number = KUBERNETES_NAME_MAX_LENGTH): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name.length > maxLength) {
    const why = maxLength < KUBERNETES_NAME_MAX_LENGTH ? ' (KServe appends -predictor-00001 to it)' : '';
    return `it is ${name.length} characters long, and at most ${maxLength} are allowed${why}`;
  }
  if (/[A-Z]/.test(name)) return 'it has uppercase letters';
  const stray = /[^a-z0-9-]/.exec(name);
  if (stray) return `it contains "${stray[0]}"`;
  if (!/^[a-z]/.test(name)) return 'it must start with a letter';
  if (name.endsWith('-')) return 'it must end with a letter or digit';
  return undefined;
}

/** Returns `name` if it is a valid Kubernetes name, else throws SLUICE_PACKAGE_INVALID_NAME. */
export function checkKubernetesName(name: string, maxLength: number = KUBERNETES_NAME_MAX_LENGTH): string {
  const problem = kubernetesNameProblem(name, maxLength);
  if (problem) throw invalidPackageName({ name, problem });
  return name;
}

/**
 * A valid Kubernetes name made from a model name or file stem (`bc_logreg` → `bc-logreg`,
 * `2024 Model` → `model-2024-model`); throws when nothing usable is left.
 */
export function deriveKubernetesName(raw: string, maxLength: number = KUBERNETES_NAME_MAX_LENGTH): string {
  let name = raw
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!name) throw packageNameUnderivable({ source: JSON.stringify(raw) });
  if (!/^[a-z]/.test(name)) name = `model-${name}`;
  return name.slice(0, maxLength).replace(/-+$/, '');
}

// The grammar of github.com/distribution/reference: [domain[:port]/]path[:tag][@digest].
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const TAG = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const IMAGE_REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::${TAG})?(?:@${DIGEST})?$`);

/** Returns `image` if it is a valid image reference, else throws SLUICE_PACKAGE_INVALID_IMAGE. */
export function checkImageReference(image: string): string {
  if (image.length > 255 + 129 || !IMAGE_REFERENCE.test(image)) throw invalidImageReference({ image });
  return image;
}

/**
 * The image a package is built as unless `--image` says otherwise: `sluice-NAME:TAG`, tagged with
 * the registered version, else the start of the model's hash, so that every other model gets
 * another tag and a changed manifest rolls the Deployment out.
 */
export function defaultImage(name: string, tag: string): string {
  return `sluice-${name}:${tag}`;
}
