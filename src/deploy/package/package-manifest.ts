/**
 * `sluice-package.json`: what a package holds and where it came from. It travels into the image
 * beside the model, and a later `sluice package --force` reads its file list to replace exactly
 * the files an earlier run wrote.
 */
import { z } from 'zod';
import { KUBERNETES_NAME_PATTERN } from './names.js';
import { PACKAGE_FORMATS } from './serving-spec.js';

/** The file's name in the output directory and in the image. */
export const PACKAGE_MANIFEST_FILE = 'sluice-package.json';

const hex = (length: number) => z.string().regex(new RegExp(`^[0-9a-f]{${length}}$`));

const tensorSchema = z.strictObject({
  name: z.string(),
  type: z.string(),
  shape: z.array(z.union([z.number().int().min(0), z.string(), z.null()])).nullable(),
});

/** A path inside the output directory: relative, with `/`, never climbing out of it. */
const packagedPath = z.string().refine((path) => path.length > 0 && !path.startsWith('/') && !path.split('/').includes('..'), { error: 'must be a path inside the package' });

export const packageManifestSchema = z.strictObject({
  format_version: z.literal(1),
  name: z.string().regex(KUBERNETES_NAME_PATTERN),
  format: z.enum(PACKAGE_FORMATS),
  created: z.iso.datetime(),
  sluice_version: z.string().min(1),
  model: z.strictObject({
    /** The model in the build context. */
    file: packagedPath,
    /** As the user named it: a path or a models:/ URI. */
    source: z.string().min(1),
    registered: z.strictObject({ name: z.string(), version: z.number().int().min(1), uri: z.string().startsWith('models:/') }).nullable(),
    size_bytes: z.number().int().min(0),
    blake3: hex(64),
    sha256: hex(64),
    producer: z.string().nullable(),
    signature: z.strictObject({ inputs: z.array(tensorSchema), outputs: z.array(tensorSchema) }),
  }),
  serving: z.strictObject({
    image: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    /** The container's command line. */
    command: z.array(z.string()).min(2),
    health: z.strictObject({ live: z.string().startsWith('/'), ready: z.string().startsWith('/') }),
    metrics: z.string().startsWith('/'),
  }),
  /** How the image is built, and how large it is expected to be. */
  build: z.strictObject({
    /** `vendored`: node_modules is in the context and the build runs no npm; `install`: npm installs at build time. */
    dependencies: z.enum(['vendored', 'install']),
    /** The platform the vendored native modules are for (`linux/amd64`); null when npm chooses at build time. */
    platform: z.string().nullable(),
    base_image: z.string(),
    vendored_packages: z.number().int().min(0),
    /** Bytes of the files the Dockerfile sends to the builder. */
    context_bytes: z.number().int().min(0),
    /** The base image's size (approximate) plus what the Dockerfile adds; null when npm adds an unknown amount at build time. */
    expected_image_bytes: z.number().int().min(0).nullable(),
    /** Why the dependencies are installed at build time rather than vendored, when they are. */
    note: z.string().nullable(),
  }),
  /** Every file the package wrote, this one included. */
  files: z.array(packagedPath),
});

export type PackageManifest = z.infer<typeof packageManifestSchema>;

/** Just the file list, from a manifest of any version: enough to clean up after an earlier run. */
export const packagedFilesSchema = z.object({ files: z.array(packagedPath) });
