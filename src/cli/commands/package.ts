/**
 * `sluice package MODEL --out DIR`: a Docker build context serving the model with `sluice serve`,
 * plus Kubernetes or KServe manifests, then the commands to build and deploy it.
 */
import { z } from 'zod';
import { BASE_IMAGE_BYTES, DEPENDENCY_MODES, PACKAGE_DEFAULTS, PACKAGE_FORMATS, packageModel, type PackageResult } from '../../deploy/index.js';
import { shellWord } from '../../core/index.js';
import { resolveModelPath } from '../../registry/index.js';
import { parseOptions } from '../options.js';
import { printJson } from '../output.js';
import { cliActor, withServicesIfAny, type CliContext } from '../services.js';

function wholeNumber(min: number, max: number, why = '') {
  return z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(min, { error: `must be at least ${min}${why}` })
    .max(max, { error: `must be at most ${max}` });
}

const packageOptionsSchema = z
  .object({
    out: z.string({ error: 'is required' }).min(1, { error: 'is required' }),
    format: z.enum(PACKAGE_FORMATS, { error: `must be ${PACKAGE_FORMATS.join(', ')}` }).default(PACKAGE_DEFAULTS.format),
    name: z.string().optional(),
    image: z.string().optional(),
    replicas: wholeNumber(1, 1000).default(PACKAGE_DEFAULTS.replicas),
    maxReplicas: wholeNumber(1, 1000).optional(),
    // The image runs as a non-root user, which Kubernetes does not let bind ports below 1024.
    port: wholeNumber(1024, 65535, ' (the server runs as a non-root user)').default(PACKAGE_DEFAULTS.port),
    dependencies: z.enum(DEPENDENCY_MODES, { error: `must be ${DEPENDENCY_MODES.join(' or ')}` }).optional(),
    force: z.boolean().default(false),
    json: z.boolean().default(false),
  })
  .refine((options) => options.maxReplicas === undefined || options.maxReplicas >= options.replicas, {
    error: 'must be at least --replicas',
    path: ['maxReplicas'],
  });

function megabytes(bytes: number): string {
  return `${Math.round(bytes / 1_000_000)} MB`;
}

/** How the image gets its dependencies, and how large it should be. */
function imageSummary(result: PackageResult): string {
  const build = result.manifest.build;
  if (build.dependencies === 'install') return `Image: dependencies ${build.note}; context ${megabytes(build.context_bytes)} plus ${build.base_image} and what npm installs.`;
  return (
    `Image: about ${megabytes(build.expected_image_bytes ?? 0)} (${build.base_image} about ${megabytes(BASE_IMAGE_BYTES)}, plus Sluice and ${build.vendored_packages} production packages ` +
    `vendored for ${build.platform}, and the model; context ${megabytes(build.context_bytes)}). The build runs no npm and needs no network.`
  );
}

/** The commands to run next, in order. */
function nextCommands(result: PackageResult, dir: string): string[] {
  const commands = [`docker build -t ${shellWord(result.image)} ${shellWord(dir)}`];
  if (!result.deployFile) return [...commands, `docker run --rm -p ${result.port}:${result.port} ${shellWord(result.image)}`];
  const manifest = dir === '.' ? result.deployFile : `${dir.replace(/\/+$/, '')}/${result.deployFile}`;
  return [...commands, `docker push ${shellWord(result.image)}`, `kubectl apply -f ${shellWord(manifest)}`];
}

export async function packageCommand(model: string, rawOptions: unknown, output: CliContext): Promise<number> {
  const options = parseOptions(packageOptionsSchema, rawOptions, 'package');
  const resolved = await withServicesIfAny(output, async (services) => (services?.models(cliActor()) ?? resolveModelPath)(model));
  const result = await packageModel({
    model: {
      path: resolved.path,
      source: model,
      registered: resolved.version ? { name: resolved.version.name, version: resolved.version.version } : undefined,
    },
    outDir: options.out,
    format: options.format,
    name: options.name,
    image: options.image,
    replicas: options.replicas,
    maxReplicas: options.maxReplicas,
    port: options.port,
    dependencies: options.dependencies,
    force: options.force,
  });
  if (options.json) {
    printJson(output, result);
    return 0;
  }
  const lines = [
    `Packaged ${resolved.label} as "${result.name}" (${result.format}) in ${options.out}:`,
    ...result.files.map((file) => `  ${file}`),
    '',
    imageSummary(result),
    '',
    'Next:',
    ...nextCommands(result, options.out).map((command) => `  ${command}`),
  ];
  if (result.deployFile && options.image === undefined) lines.push('', `Push to a registry the cluster can pull from: package with --image REGISTRY/REPOSITORY:TAG to name it in ${result.deployFile}.`);
  output.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
