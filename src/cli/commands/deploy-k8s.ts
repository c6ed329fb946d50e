/**
 * `sluice deploy MODEL_REF --env NAME --target k8s --out DIR`: the environment's strategy for the
 * version as Argo Rollouts and KServe manifests, written to DIR (no rollout starts here; Argo
 * Rollouts carries it out in the cluster). Prints the files and what did not translate.
 */
import { chooseStrategy, findEnvironment, kubernetesModelVersion, loadEnvironments, wrongModel, writeKubernetesRollout, type StrategyKind } from '../../deploy/index.js';
import { invalidModelUri, parseModelReference, referenceUri } from '../../registry/index.js';
import { printJson } from '../output.js';
import { cliActor, withServices, type CliContext } from '../services.js';

export interface KubernetesDeployOptions {
  readonly environment: string;
  readonly outDir: string;
  readonly strategy?: StrategyKind | undefined;
  readonly json: boolean;
}

export async function deployToKubernetes(reference: string, options: KubernetesDeployOptions, output: CliContext): Promise<number> {
  const { outDir, json } = options;
  return withServices(output, async (services) => {
    const declared = findEnvironment(loadEnvironments(services.workspace.root), options.environment);
    const parsed = parseModelReference(reference);
    if (parsed.kind === 'model') throw invalidModelUri({ uri: reference }, { hint: `Name a version: models:/${parsed.name}/3 or models:/${parsed.name}@challenger.` });
    // The same checks as an embedded rollout: the environment's own model, and --strategy honoured.
    if (parsed.name !== declared.model) throw wrongModel({ environment: declared.name, expected: declared.model, given: parsed.name });
    const environment = { ...declared, strategy: chooseStrategy(declared, options.strategy) };
    const uri = referenceUri(parsed);
    const registered = await services.registry(cliActor()).resolve(uri);
    const { path } = await services.models(cliActor())(uri);
    const version = await kubernetesModelVersion({ model: registered.name, version: registered.version, path });
    const result = await writeKubernetesRollout({ environment, version, outDir });
    if (json) printJson(output, { outDir, ...result });
    else {
      output.stdout.write(`Wrote ${result.files.join(', ')} to ${outDir} for environment ${environment.name} (models:/${version.model}/${version.version}).\n`);
      for (const warning of result.warnings) output.stderr.write(`sluice: warning: ${warning}\n`);
      output.stdout.write(`Build the image with \`sluice package models:/${version.model}/${version.version} --format k8s --out DIR\` (tag ${version.serving.image}), then \`kubectl apply -f ${outDir}/rollout.yaml\`.\n`);
    }
    return 0;
  });
}
