/** The flags of the serving commands (`serve`, `package`). */
import type { Command } from 'commander';
import type { CliContext } from './services.js';

type Runner = <A extends unknown[]>(action: (...args: A) => Promise<number>) => (...args: A) => Promise<void>;

export function defineServingCommands(program: Command, run: Runner, output: CliContext, version: string): void {
  program
    .command('serve')
    .description('serve ONNX models over the Open Inference Protocol v2, MLflow /invocations and /predict, with micro-batching, hot swap, metrics and a prediction log')
    .argument('[models...]', 'a path, models:/NAME@ALIAS (followed as the alias moves), models:/NAME/3, each optionally NAME=MODEL')
    .option('--env <name>', 'serve an environment declared under deploy: in sluice.yaml (its version(s), routed by its rollout; its host, port and serving options unless given here)')
    // No commander defaults for the flags an environment sets: with --env, a flag not given takes the environment's value (the defaults are the schema's).
    .option('--host <host>', 'address to listen on (default: 127.0.0.1)')
    .option('--port <port>', 'port (default: 8080)')
    .option('--grpc-port <port>', 'also serve the Open Inference Protocol v2 over gRPC (inference.GRPCInferenceService) on this port (default: no gRPC)')
    .option('--workers <n>', 'processes sharing the port; auto: one per core (os.availableParallelism()), each with its own copy of the models; with --env, the environment\'s serving.workers, else 1 (default: "auto")')
    .option('--max-batch-size <rows>', 'rows per onnxruntime call when requests are coalesced (1: no batching; default: 32)')
    .option('--max-batch-delay-ms <ms>', 'how long an idle model waits for more requests to batch (0: it runs a request at once; requests arriving while a batch runs still share the next one; default: 0)')
    .option('--runtime <runtime>', 'auto: small models run as JavaScript compiled from the graph, once verified against onnxruntime on probe rows (the log says which runtime serves each model, and why); onnxruntime: always onnxruntime (default: auto)')
    .option('--max-in-flight <n>', 'requests handled at once; beyond, 503 with Retry-After', '1024')
    .option('--max-body-mb <mb>', 'largest request body (413 beyond)', '16')
    .option('--prediction-log <dir>', 'where predictions and feedback are logged (default .sluice/predictions in a workspace, else $XDG_STATE_HOME/sluice/predictions or ~/.local/state/sluice/predictions)')
    .option('--no-prediction-log', 'log no predictions')
    .option('--prediction-log-sample <fraction>', 'the fraction of predictions logged, drawn at random per request (feedback is always logged)', '1')
    .option('--prediction-log-max-mb <mb>', 'total size of the prediction log kept; the oldest complete files are removed beyond it', '1024')
    .option('--prediction-log-max-age-days <days>', 'prediction-log files last written longer ago are removed', '7')
    .option('--follow-interval <seconds>', 'how often registry aliases are checked for a new version (0: never)', '2')
    .option('--quiet', 'no access log')
    .option('--no-monitor', "with --env: do not run the environment's monitor in the server (run `sluice monitor run` instead)")
    .action(run(async (models: string[], options: unknown) => (await import('./commands/serve.js')).serveCommand(models, options, version, output)));

  program
    .command('package')
    .description('package a model for `sluice serve`: a Docker build context, plus Kubernetes or KServe manifests')
    .argument('<model>', 'an ONNX file, models:/NAME@ALIAS or models:/NAME/VERSION')
    .requiredOption('-o, --out <dir>', 'the directory to write (new or empty, unless --force)')
    .option('--format <format>', 'docker (build context only), k8s (Deployment, Service, HPA) or kserve (InferenceService)', 'docker')
    .option('--name <name>', 'Kubernetes name and served model name (default: the registered name, else the file name)')
    .option('--image <image>', 'the image to build and deploy (default: sluice-NAME:TAG, tagged with the registered version, else the model hash)')
    .option('--replicas <n>', 'replicas, and the autoscaler\'s minimum', '2')
    .option('--max-replicas <n>', 'the autoscaler\'s maximum (default: 5 × replicas)')
    .option('--port <port>', 'the port sluice serve listens on in the container', '8080')
    .option('--dependencies <how>', 'vendored (Sluice\'s production node_modules in the context; the build needs no network) or install (npm at build time); default: vendored on Linux with Node 20')
    .option('-f, --force', 'write into a non-empty directory, replacing an earlier package there')
    .option('--json', 'print what was written as JSON')
    .action(run(async (model: string, options: unknown) => (await import('./commands/package.js')).packageCommand(model, options, output)));
}
