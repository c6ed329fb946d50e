/**
 * Packaging a model for `sluice serve`: the model and a tarball of Sluice in a Docker build
 * context, plus Kubernetes or KServe manifests for the image, and `sluice-package.json` saying
 * what was packaged. The caller resolves `models:/` URIs to a local file first (registry access
 * belongs to the workspace, not to this service).
 */
import { chmodSync, existsSync, statSync } from 'node:fs';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../../core/index.js';
import { BASE_IMAGE, BASE_IMAGE_BYTES, DOCKERFILE, DOCKERIGNORE_FILE, renderDockerfile, renderDockerignore } from './dockerfile.js';
import { cannotVendorDependencies, packageModelNotFound } from './errors.js';
import { checkKServePort, KSERVE_MANIFEST_FILE, renderKServeManifest } from './kserve.js';
import { KUBERNETES_MANIFEST_FILE, renderKubernetesManifests } from './kubernetes.js';
import { summarizeModel, type TensorSummary } from './model-summary.js';
import { checkImageReference, checkKubernetesName, defaultImage, deriveKubernetesName, KSERVE_NAME_MAX_LENGTH, KUBERNETES_NAME_MAX_LENGTH } from './names.js';
import { prepareOutDir } from './out-dir.js';
import { PACKAGE_MANIFEST_FILE, type PackageManifest } from './package-manifest.js';
import { renderReadme } from './readme.js';
import { CONTEXT_NODE_MODULES, HEALTH_LIVE_PATH, HEALTH_READY_PATH, METRICS_PATH, serveArguments, type PackageFormat, type ServingSpec } from './serving-spec.js';
import { findSluiceRoot, packSluice, readSluiceVersion } from './sluice-tarball.js';
import { imagePlatform, incompleteInstallation, vendorBlocker, vendorDependencies, type DependencyMode } from './vendor-dependencies.js';

/** Defaults of the optional settings. */
export const PACKAGE_DEFAULTS = { format: 'docker', port: 8080, replicas: 2 } as const;

/** The autoscaler's maximum unless given: room for five times the minimum. */
export function defaultMaxReplicas(replicas: number): number {
  return replicas * 5;
}

/** The model to package, already a local file. */
export interface PackageModelSource {
  /** A local ONNX file. */
  readonly path: string;
  /** How the user named it: the path, or the `models:/` URI it was resolved from. */
  readonly source: string;
  /** The registry version the file is, when it came from the registry. */
  readonly registered?: { readonly name: string; readonly version: number } | undefined;
}

export interface PackageOptions {
  readonly model: PackageModelSource;
  readonly outDir: string;
  readonly format?: PackageFormat | undefined;
  /** The Kubernetes name and served model name; default from the registered name, else the file stem. */
  readonly name?: string | undefined;
  /** Default `sluice-NAME:TAG`, tagged with the registered version or the start of the model's hash. */
  readonly image?: string | undefined;
  readonly replicas?: number | undefined;
  readonly maxReplicas?: number | undefined;
  readonly port?: number | undefined;
  /** Write into a non-empty directory, replacing an earlier package there. */
  readonly force?: boolean | undefined;
  /**
   * `vendored`: copy Sluice's production dependencies into the context (the build needs no
   * network); `install`: the Dockerfile runs npm. Default: vendored where this machine's native
   * modules run in the image, else install (saying why in the manifest's build note).
   */
  readonly dependencies?: DependencyMode | undefined;
  /** Where Sluice's package.json is; default: found above this module. */
  readonly sluiceRoot?: string | undefined;
  readonly now?: (() => Date) | undefined;
}

export interface PackageResult {
  readonly name: string;
  readonly format: PackageFormat;
  /** Absolute. */
  readonly outDir: string;
  readonly image: string;
  readonly port: number;
  /** Every file written, relative to outDir, with `/`. */
  readonly files: readonly string[];
  /** The manifest to `kubectl apply`, relative to outDir, for the k8s and kserve formats. */
  readonly deployFile: string | undefined;
  readonly manifest: PackageManifest;
}

function packageName(options: PackageOptions, format: PackageFormat): string {
  const maxLength = format === 'kserve' ? KSERVE_NAME_MAX_LENGTH : KUBERNETES_NAME_MAX_LENGTH;
  if (options.name !== undefined) return checkKubernetesName(options.name, maxLength);
  const registered = options.model.registered?.name;
  return deriveKubernetesName(registered ?? basename(options.model.path, extname(options.model.path)), maxLength);
}

function tensorJson(tensor: TensorSummary): PackageManifest['model']['signature']['inputs'][number] {
  return { name: tensor.name, type: tensor.type, shape: tensor.shape ? [...tensor.shape] : null };
}

type BuildInfo = PackageManifest['build'];

/** Vendors the dependencies when asked (or by default, when they would run in the image); returns how the image gets them. */
async function provideDependencies(requested: DependencyMode | undefined, sluiceRoot: string, outDir: string): Promise<Pick<BuildInfo, 'dependencies' | 'platform' | 'vendored_packages' | 'note'> & { bytes: number }> {
  if (requested === 'install') return { dependencies: 'install', platform: null, vendored_packages: 0, note: 'installed by npm at build time, as asked (--dependencies install)', bytes: 0 };
  const blocker = vendorBlocker() ?? incompleteInstallation(sluiceRoot);
  if (blocker && requested === 'vendored') throw cannotVendorDependencies({ reason: blocker });
  if (blocker) return { dependencies: 'install', platform: null, vendored_packages: 0, note: `installed by npm at build time (the build needs the network): ${blocker}`, bytes: 0 };
  const vendored = await vendorDependencies(sluiceRoot, outDir);
  return { dependencies: 'vendored', platform: imagePlatform(), vendored_packages: vendored.packages, note: null, bytes: vendored.bytes };
}

/** The build's dependencies and sizes: the context the builder gets, and the image expected from it. */
function buildInfo(dependencies: Awaited<ReturnType<typeof provideDependencies>>, tarballBytes: number, unpackedBytes: number, modelBytes: number): BuildInfo {
  const { bytes: vendoredBytes, ...how } = dependencies;
  return {
    ...how,
    base_image: BASE_IMAGE,
    context_bytes: tarballBytes + vendoredBytes + modelBytes,
    // The image holds the tarball unpacked; with npm installing at build time its size is unknown here.
    expected_image_bytes: dependencies.dependencies === 'vendored' ? BASE_IMAGE_BYTES + unpackedBytes + vendoredBytes + modelBytes : null,
  };
}

function deployFileFor(format: PackageFormat): string | undefined {
  if (format === 'k8s') return KUBERNETES_MANIFEST_FILE;
  if (format === 'kserve') return KSERVE_MANIFEST_FILE;
  return undefined;
}

export async function packageModel(options: PackageOptions): Promise<PackageResult> {
  const format = options.format ?? PACKAGE_DEFAULTS.format;
  const name = packageName(options, format);
  if (options.image !== undefined) checkImageReference(options.image);
  const port = options.port ?? PACKAGE_DEFAULTS.port;
  if (format === 'kserve') checkKServePort(port);
  const { model } = options;
  if (!existsSync(model.path) || !statSync(model.path).isFile()) throw packageModelNotFound({ path: model.source });
  const summary = await summarizeModel(model.path);
  const sluiceRoot = options.sluiceRoot ?? findSluiceRoot();
  const sluiceVersion = readSluiceVersion(sluiceRoot);
  const image = options.image ?? defaultImage(name, model.registered ? String(model.registered.version) : summary.blake3.slice(0, 12));
  const replicas = options.replicas ?? PACKAGE_DEFAULTS.replicas;
  const outDir = resolve(options.outDir);
  const { created } = await prepareOutDir(outDir, options.force ?? false);

  try {
    const { filename: tarball, unpackedBytes } = await packSluice(sluiceRoot, outDir);
    const dependencies = await provideDependencies(options.dependencies, sluiceRoot, outDir);
    const spec: ServingSpec = {
      name,
      image,
      port,
      replicas,
      maxReplicas: options.maxReplicas ?? defaultMaxReplicas(replicas),
      contextModelFile: `model/${name}.onnx`,
      tarball,
      sluiceVersion,
      modelBlake3: summary.blake3,
      dependencies: dependencies.dependencies,
    };
    const modelTarget = join(outDir, spec.contextModelFile);
    await mkdir(dirname(modelTarget), { recursive: true });
    await copyFile(model.path, modelTarget);
    // The image runs as `node`: a model copied from a private (0600) or read-only file must stay readable there and replaceable here.
    chmodSync(modelTarget, 0o644);

    const deployFile = deployFileFor(format);
    const written: Record<string, string> = {
      [DOCKERFILE]: renderDockerfile(spec),
      [DOCKERIGNORE_FILE]: renderDockerignore(spec),
      'README.md': renderReadme({ spec, format, source: model.source, inputs: summary.inputs }),
    };
    if (format === 'k8s') written[KUBERNETES_MANIFEST_FILE] = renderKubernetesManifests(spec);
    if (format === 'kserve') written[KSERVE_MANIFEST_FILE] = renderKServeManifest(spec);
    for (const [file, content] of Object.entries(written)) writeFileAtomic(join(outDir, file), content);

    const files = [...Object.keys(written), spec.contextModelFile, tarball, ...(dependencies.dependencies === 'vendored' ? [CONTEXT_NODE_MODULES] : []), PACKAGE_MANIFEST_FILE];
    const build = buildInfo(dependencies, statSync(join(outDir, tarball)).size, unpackedBytes, summary.sizeBytes);
    const manifest: PackageManifest = {
      format_version: 1,
      name,
      format,
      created: (options.now?.() ?? new Date()).toISOString(),
      sluice_version: sluiceVersion,
      model: {
        file: spec.contextModelFile,
        source: model.source,
        registered: model.registered ? { ...model.registered, uri: `models:/${model.registered.name}/${model.registered.version}` } : null,
        size_bytes: summary.sizeBytes,
        blake3: summary.blake3,
        sha256: summary.sha256,
        producer: summary.producer,
        signature: { inputs: summary.inputs.map(tensorJson), outputs: summary.outputs.map(tensorJson) },
      },
      serving: {
        image,
        port,
        command: ['sluice', 'serve', ...serveArguments(spec)],
        health: { live: HEALTH_LIVE_PATH, ready: HEALTH_READY_PATH },
        metrics: METRICS_PATH,
      },
      build,
      files,
    };
    writeFileAtomic(join(outDir, PACKAGE_MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    return { name, format, outDir, image, port, files, deployFile, manifest };
  } catch (error) {
    // A half-written directory this run created would only make the next run ask for --force.
    if (created) await rm(outDir, { recursive: true, force: true });
    throw error;
  }
}
