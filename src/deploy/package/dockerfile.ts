/**
 * The Docker build context: a Dockerfile that unpacks Sluice from the tarball beside it (with
 * its vendored dependencies, or installing them with npm) and serves the model with `sluice serve`, and a .dockerignore that sends the builder only what the
 * Dockerfile copies. The image needs no network at run time.
 */
import { PACKAGE_MANIFEST_FILE } from './package-manifest.js';
import { CONTEXT_NODE_MODULES, HEALTH_READY_PATH, IMAGE_MODELS_DIR, IMAGE_PREDICTION_LOG_DIR, IMAGE_WORKDIR, imageModelPath, serveArguments, type ServingSpec } from './serving-spec.js';

export const DOCKERFILE = 'Dockerfile';
export const DOCKERIGNORE_FILE = '.dockerignore';

/** Debian-based, so onnxruntime-node's glibc binaries and the prebuilt native modules load. */
export const BASE_IMAGE = 'node:20-slim';

/** About what node:20-slim takes unpacked (Debian slim and Node 20 with npm), for the size estimate. */
export const BASE_IMAGE_BYTES = 200_000_000;

/** Where the tarball's \`package/\` folder lands when ADD unpacks it. */
const IMAGE_SLUICE_DIR = '/opt/package';

/** How Sluice gets into the image: unpacked with its vendored dependencies, or installed by npm. */
function installSluice(spec: ServingSpec): string {
  if (spec.dependencies === 'vendored') {
    return `# Sluice and its production dependencies are in this context, copied by \`sluice package\` from the
# installation that ran it (same versions, native modules built for Linux on that machine's
# architecture): the build needs no network and runs no npm. ADD unpacks the npm tarball into
# ${IMAGE_SLUICE_DIR}; its bin/sluice finds node_modules beside it.
ADD ${spec.tarball} /opt/
COPY ${CONTEXT_NODE_MODULES} ${IMAGE_SLUICE_DIR}/node_modules
RUN chmod 755 ${IMAGE_SLUICE_DIR}/bin/sluice && ln -s ${IMAGE_SLUICE_DIR}/bin/sluice /usr/local/bin/sluice`;
  }
  return `# Sluice is not on npm: it comes from the tarball beside this file, and npm fetches its
# dependencies at build time (this needs the network: \`sluice package\` vendors them instead when
# run on Linux with Node 20). ONNXRUNTIME_NODE_INSTALL=skip keeps onnxruntime-node's install
# script from downloading GPU providers; the CPU runtime ships in the npm package itself.
WORKDIR /opt/sluice
COPY ${spec.tarball} ./
RUN ONNXRUNTIME_NODE_INSTALL=skip npm install --global --omit=dev --no-audit --no-fund ./${spec.tarball} \\
 && rm ./${spec.tarball} \\
 && npm cache clean --force`;
}

/** A JSON array, the exec form of RUN/CMD/ENTRYPOINT: no shell, so signals reach the server. */
function execForm(words: readonly string[]): string {
  return `[${words.map((word) => JSON.stringify(word)).join(', ')}]`;
}

/** The slim image has no curl: Node's own fetch asks the readiness endpoint. */
export function healthcheckCommand(spec: ServingSpec): string[] {
  const url = `http://127.0.0.1:${spec.port}${HEALTH_READY_PATH}`;
  return ['node', '-e', `fetch('${url}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`];
}

export function renderDockerfile(spec: ServingSpec): string {
  const modelPath = imageModelPath(spec);
  return `# The model server for "${spec.name}", written by \`sluice package\` (Sluice ${spec.sluiceVersion}).
# Build: docker build -t ${spec.image} .
# Run:   docker run --rm -p ${spec.port}:${spec.port} ${spec.image}
FROM ${BASE_IMAGE}

${installSluice(spec)}

# The model last, so a new model rebuilds only these layers.
COPY ${spec.contextModelFile} ${modelPath}
COPY ${PACKAGE_MANIFEST_FILE} ${IMAGE_MODELS_DIR}/${PACKAGE_MANIFEST_FILE}
LABEL org.opencontainers.image.title=${JSON.stringify(spec.name)} \\
      org.opencontainers.image.description=${JSON.stringify(`sluice serve for the model ${spec.name}`)} \\
      sluice.model.blake3=${JSON.stringify(spec.modelBlake3)} \\
      sluice.version=${JSON.stringify(spec.sluiceVersion)}

ENV NODE_ENV=production
USER node
# sluice serve logs predictions to ${IMAGE_PREDICTION_LOG_DIR} (--prediction-log below). Made here, owned by node, so that a named
# volume mounted on it (docker run -v NAME:${IMAGE_PREDICTION_LOG_DIR}) starts out writable.
WORKDIR ${IMAGE_WORKDIR}
RUN mkdir -p ${IMAGE_PREDICTION_LOG_DIR}
EXPOSE ${spec.port}
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \\
  CMD ${execForm(healthcheckCommand(spec))}
# sluice serve drains in-flight requests on SIGTERM.
STOPSIGNAL SIGTERM
ENTRYPOINT ${execForm(['sluice', 'serve'])}
CMD ${execForm(serveArguments(spec))}
`;
}

/** Everything is ignored but the files the Dockerfile copies: manifests and the README stay out of the image. */
export function renderDockerignore(spec: ServingSpec): string {
  const vendored = spec.dependencies === 'vendored' ? [`!${CONTEXT_NODE_MODULES}`] : [];
  return ['# Send the builder only what the Dockerfile copies.', '*', `!${spec.tarball}`, ...vendored, `!${spec.contextModelFile}`, `!${PACKAGE_MANIFEST_FILE}`, ''].join('\n');
}
