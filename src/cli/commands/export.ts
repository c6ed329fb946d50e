/**
 * `sluice export argo --out FILE` (the pipeline as an Argo Workflow) and `sluice export
 * k8s-worker --out FILE` (a Deployment of `sluice worker`): flags checked here, the work in the
 * export domain. Neither opens the metadata store: they read sluice.yaml, git and the config.
 */
import { z } from 'zod';
import { exportArgoWorkflow, exportWorkerDeployment } from '../../export/index.js';
import { currentWorkspace } from '../context.js';
import { parseOptions } from '../options.js';
import { printJson, type CliOutput } from '../output.js';

const count = (min: number, max: number) =>
  z.coerce.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).min(min, { error: `must be at least ${min}` }).max(max, { error: `must be at most ${max}` });
const httpUrl = (example: string) => z.url({ protocol: /^https?$/, error: `must be an http(s) URL such as ${example}` });

const common = {
  out: z
    .string({ error: 'is required' })
    .min(1, { error: 'is required' })
    .refine((out) => out === '-' || !/[/\\]$/.test(out), { error: 'names the manifest file, not a folder (it ends in /): add the file name, e.g. out/workflow.yaml' }),
  image: z.string().min(1).optional(),
  namespace: z.string().optional(),
  serverUrl: httpUrl('https://sluice.example.com').optional(),
  repository: z.string().min(1).optional(),
  json: z.boolean().default(false),
};

const argoSchema = z.object({
  ...common,
  name: z.string().optional(),
  remote: z.string().min(1).optional(),
  retries: count(0, 10).default(2),
  serviceAccount: z.string().optional(),
  gitSecret: z.string().optional(),
});

const workerSchema = z.object({
  ...common,
  name: z.string().default('sluice-worker'),
  replicas: count(0, 1000).default(2),
  concurrency: count(1, 64).default(1),
  labels: z.string().default('').transform((text) => text.split(',').map((label) => label.trim()).filter((label) => label.length > 0)),
  cpu: z.string().regex(/^[0-9]+(\.[0-9]+)?m?$/, { error: 'must be cores (2, 0.5) or millicores (500m)' }).default('1'),
  // A unit is required: Kubernetes reads a bare 512 as bytes, and a worker limited to that is killed at once.
  memory: z.string().regex(/^[0-9]+(\.[0-9]+)?(k|M|G|T|Ki|Mi|Gi|Ti)$/, { error: 'must be a size with its unit, such as 512Mi or 4Gi (a bare number is bytes to Kubernetes)' }).default('2Gi'),
  gpu: count(0, 16).default(0),
  remote: z.string().min(1).optional(),
  queue: z.string().regex(/^redis:\/\/\S+$/, { error: 'must be a redis:// URL such as redis://redis:6379' }).optional(),
  gracePeriod: count(0, 86_400).default(600),
});

export async function exportArgoCommand(rawOptions: unknown, version: string, output: CliOutput): Promise<number> {
  const { json, ...options } = parseOptions(argoSchema, rawOptions, 'export argo');
  const result = await exportArgoWorkflow({ ...options, root: currentWorkspace().root, sluiceVersion: version });
  const tasks = result.objects.spec.templates.length - 1;
  if (result.out === '-') return printManifest(result, output, json);
  if (json) printJson(output, { out: result.out, commit: result.commit, stages: tasks, edges: result.edges, warnings: result.warnings, workflow: result.objects });
  else {
    for (const warning of result.warnings) output.stderr.write(`sluice: warning: ${warning}\n`);
    output.stdout.write(`Wrote the Argo Workflow to ${result.out}: ${tasks} stage${tasks === 1 ? '' : 's'}, ${result.edges} dependenc${result.edges === 1 ? 'y' : 'ies'}, commit ${result.commit.slice(0, 12)}.\n`);
    output.stdout.write(`Create the Secrets it reads (see docs/kubernetes.md), then: argo submit ${result.out}\n`);
  }
  return 0;
}

export async function exportWorkerCommand(rawOptions: unknown, version: string, output: CliOutput): Promise<number> {
  const { json, cpu, memory, gpu, queue, gracePeriod, ...options } = parseOptions(workerSchema, rawOptions, 'export k8s-worker');
  const result = await exportWorkerDeployment({
    ...options,
    root: currentWorkspace().root,
    sluiceVersion: version,
    resources: { cpu, memory, ...(gpu > 0 ? { gpu } : {}) },
    queueUrl: queue,
    gracePeriodSeconds: gracePeriod,
  });
  if (result.out === '-') return printManifest(result, output, json);
  if (json) printJson(output, { out: result.out, warnings: result.warnings, objects: result.objects });
  else {
    for (const warning of result.warnings) output.stderr.write(`sluice: warning: ${warning}\n`);
    const [, deployment] = result.objects;
    output.stdout.write(`Wrote a ServiceAccount and the Deployment ${deployment.metadata.name} (${deployment.spec.replicas} workers) to ${result.out}.\n`);
    output.stdout.write(`Create the Secrets it reads (see docs/kubernetes.md), then: kubectl apply -f ${result.out}\n`);
  }
  return 0;
}

/** `--out -`: the manifest on stdout (for `| kubectl apply -f -`), warnings on stderr; with --json, the objects as JSON instead. */
function printManifest(result: { yaml: string; objects: unknown; warnings: readonly string[] }, output: CliOutput, json: boolean): number {
  for (const warning of result.warnings) output.stderr.write(`sluice: warning: ${warning}\n`);
  if (json) printJson(output, result.objects);
  else output.stdout.write(result.yaml);
  return 0;
}
