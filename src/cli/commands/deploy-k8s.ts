/**
 * `sluice deploy MODEL_REF --env NAME --target k8s --out DIR`: the environment's strategy for the
 * version as Argo Rollouts and KServe manifests, written to DIR (no rollout starts here; Argo
 * Rollouts carries it out in the cluster). Prints the files and what did not translate.
 */
import { findEnvironment, kubernetesModelVersion, loadEnvironments, writeKubernetesRollout } from '../../deploy/index.js';
import { invalidModelUri, parseModelReference, referenceUri } from '../../registry/index.js';
import { printJson } from '../output.js';
import { cliActor, withServices, type CliContext } from '../services.js';

export async function deployToKubernetes(reference: string, environmentName: string, outDir: string, json: boolean, output: CliContext): Promise<number> {
  return withServices(output, async (services) => {
    const environment = findEnvironment(loadEnvironments(services.workspace.root), environmentName);
    const parsed = parseModelReference(reference);
    if (parsed.kind === 'model') throw invalidModelUri({ uri: reference }, { hint: `Name a version: models:/${parsed.name}/3 or models:/${parsed.name}@challenger.` });
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
