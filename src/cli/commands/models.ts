/**
 * `sluice models register|list|show|alias|lineage|delete`: the model registry from the command line.
 * Every change is written to the audit log as the OS user with the command line.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { formatNumber, shellWord } from '../../core/index.js';
import { createDeployService, loadEnvironments, openRolloutStore } from '../../deploy/index.js';
import { formatModelUri, modelVersionToJson, notDeletable, parseModelReference, referenceUri, registerModelFile, type Lineage, type ModelVersion, type UpstreamStage } from '../../registry/index.js';
import { renderTable } from '../format/table.js';
import { parseOptions } from '../options.js';
import { printJson } from '../output.js';
import { PIPELINE_FILE } from '../../workspace/index.js';
import { cliActor, withServices, type CliContext } from '../services.js';

const registerSchema = z.object({
  name: z.string({ error: 'is required' }).min(1),
  alias: z.string().optional(),
  description: z.string().optional(),
  tag: z.array(z.string().regex(/^[^=]+=/, { error: 'must be KEY=VALUE' })).optional(),
  json: z.boolean().default(false),
});

function sizeText(bytes: number | undefined): string {
  if (bytes === undefined) return '—';
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 ** 2 ? `${(bytes / 1024).toFixed(1)} kB` : `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

export async function modelsRegisterCommand(source: string, rawOptions: unknown, output: CliContext, producerVersion?: string): Promise<number> {
  const options = parseOptions(registerSchema, rawOptions, 'models register');
  return withServices(output, async (services) => {
    const registry = services.registry(cliActor());
    const tags = (options.tag ?? []).map((pair) => ({ key: pair.slice(0, pair.indexOf('=')), value: pair.slice(pair.indexOf('=') + 1) }));
    const version = await registerModelFile(registry, services.tracking, {
      source,
      name: options.name,
      alias: options.alias,
      description: options.description,
      tags,
      tempDir: join(services.workspace.paths.tmpDir, 'register'),
      producerVersion,
    });
    if (options.json) {
      printJson(output, modelVersionToJson(version));
      return 0;
    }
    const aliases = version.aliases.length > 0 ? ` (${version.aliases.join(', ')})` : '';
    output.stdout.write(`Registered ${formatModelUri(version.name, version.version)}${aliases}: ${version.objectId ?? version.source}, ${sizeText(version.sizeBytes)}\n`);
    const lineage = version.lineage;
    if (lineage?.runId) {
      output.stdout.write(`  produced by ${lineage.stage ? `stage ${lineage.stage} in ` : ''}run ${lineage.runId.slice(0, 8)}${lineage.gitCommit ? ` at commit ${lineage.gitCommit.slice(0, 8)}${lineage.gitDirty ? ' (uncommitted changes)' : ''}` : ''}\n`);
      output.stdout.write(`  see \`sluice models lineage ${shellWord(`${version.name}/${version.version}`)}\`\n`);
    } else {
      output.stdout.write('  no run is known to have produced this file, so it has no lineage; register pipeline outputs to get it\n');
    }
    return 0;
  });
}

const listSchema = z.object({ filter: z.string().optional(), json: z.boolean().default(false) });

export async function modelsListCommand(rawOptions: unknown, output: CliContext): Promise<number> {
  const options = parseOptions(listSchema, rawOptions, 'models list');
  return withServices(output, async (services) => {
    const registry = services.registry(cliActor());
    const models = [];
    let token: string | undefined;
    do {
      const page = await registry.searchRegisteredModels({ filter: options.filter, maxResults: 1000, pageToken: token });
      models.push(...page.items);
      token = page.nextPageToken;
    } while (token);
    if (options.json) {
      printJson(output, models.map((model) => ({ name: model.name, description: model.description, aliases: Object.fromEntries(model.aliases.map((alias) => [alias.alias, alias.version])), latest_version: Math.max(0, ...model.latestVersions.map((version) => version.version)) || null, updated_at: model.lastUpdatedTimestamp })));
      return 0;
    }
    if (models.length === 0) {
      output.stdout.write('No registered models. Register one with `sluice models register model.onnx --name NAME`.\n');
      return 0;
    }
    const rows = models.map((model) => [
      model.name,
      String(Math.max(0, ...model.latestVersions.map((version) => version.version)) || '—'),
      model.aliases.map((alias) => `${alias.alias}→${alias.version}`).join(' ') || '—',
      new Date(model.lastUpdatedTimestamp).toISOString().replace('T', ' ').slice(0, 19),
    ]);
    output.stdout.write(renderTable(['Model', 'Latest', 'Aliases', 'Updated (UTC)'], rows));
    return 0;
  });
}

const showSchema = z.object({ json: z.boolean().default(false) });

export async function modelsShowCommand(target: string, rawOptions: unknown, output: CliContext): Promise<number> {
  const options = parseOptions(showSchema, rawOptions, 'models show');
  return withServices(output, async (services) => {
    const registry = services.registry(cliActor());
    const ref = parseModelReference(target);
    if (ref.kind !== 'model') {
      const version = await registry.resolve(referenceUri(ref));
      if (options.json) printJson(output, modelVersionToJson(version));
      else output.stdout.write(describeVersion(version));
      return 0;
    }
    const model = await registry.getRegisteredModel(ref.name);
    const versions = (await registry.searchModelVersions({ filter: `name = '${ref.name.replaceAll("'", "''")}'`, orderBy: ['version_number DESC'] })).items;
    if (options.json) {
      printJson(output, { name: model.name, description: model.description, aliases: Object.fromEntries(model.aliases.map((alias) => [alias.alias, alias.version])), versions: versions.map(modelVersionToJson) });
      return 0;
    }
    const lines = [`${model.name}${model.description ? ` — ${model.description}` : ''}`, ''];
    const rows = versions.map((version) => {
      const aliases = model.aliases.filter((alias) => alias.version === version.version).map((alias) => alias.alias);
      return [
        String(version.version),
        aliases.join(', ') || '—',
        version.currentStage === 'None' ? '—' : version.currentStage,
        new Date(version.creationTimestamp).toISOString().replace('T', ' ').slice(0, 19),
        version.objectId ? version.objectId.slice(0, 19) : '—',
        sizeText(version.sizeBytes),
        version.lineage?.runId ? version.lineage.runId.slice(0, 8) : '—',
      ];
    });
    output.stdout.write(`${lines.join('\n')}${renderTable(['Version', 'Aliases', 'Stage', 'Created (UTC)', 'Hash', 'Size', 'Run'], rows)}`);
    return 0;
  });
}

function describeVersion(version: ModelVersion): string {
  const lines = [
    `${formatModelUri(version.name, version.version)}${version.aliases.length ? ` (${version.aliases.join(', ')})` : ''}`,
    `  file        ${version.objectId ?? '—'}, ${sizeText(version.sizeBytes)}`,
    `  source      ${version.source}`,
    `  created     ${new Date(version.creationTimestamp).toISOString().replace('T', ' ').slice(0, 19)} UTC by ${version.userId}`,
  ];
  if (version.currentStage !== 'None') lines.push(`  stage       ${version.currentStage}`);
  if (version.signature) {
    lines.push('', 'Signature:');
    for (const input of version.signature.inputs) lines.push(`  in   ${input.name}: ${input.type}${input.shape ? ` [${input.shape.map((dimension) => dimension ?? '?').join(', ')}]` : ''}`);
    for (const out of version.signature.outputs) lines.push(`  out  ${out.name}: ${out.type}${out.shape ? ` [${out.shape.map((dimension) => dimension ?? '?').join(', ')}]` : ''}`);
  }
  const card = version.tags.find((tag) => tag.key === 'sluice.model_card')?.value;
  lines.push(`  model card  ${card ?? `none yet: \`sluice models card ${shellWord(`${version.name}/${version.version}`)}\``}`);
  if (version.lineage?.metrics && Object.keys(version.lineage.metrics).length > 0) {
    lines.push('', 'Metrics of the producing run:');
    for (const [key, value] of Object.entries(version.lineage.metrics)) lines.push(`  ${key} = ${formatNumber(value)}`);
  }
  return `${lines.join('\n')}\n`;
}

const aliasSchema = z.object({ delete: z.boolean().default(false) });

export async function modelsAliasCommand(name: string, alias: string, version: string | undefined, rawOptions: unknown, output: CliContext): Promise<number> {
  const options = parseOptions(aliasSchema, rawOptions, 'models alias');
  return withServices(output, async (services) => {
    const registry = services.registry(cliActor());
    if (options.delete) {
      // An alias that is not set is an error here (a typo would otherwise read as done).
      await registry.getVersionByAlias(name, alias);
      await registry.deleteAlias(name, alias);
      output.stdout.write(`Removed the alias ${alias} of ${name}.\n`);
      return 0;
    }
    if (version === undefined) {
      const current = await registry.getVersionByAlias(name, alias);
      output.stdout.write(`${formatModelUri(name, alias)} → version ${current.version}\n`);
      return 0;
    }
    const before = await registry.getVersionByAlias(name, alias).catch(() => undefined);
    await registry.setAlias(name, alias, version);
    output.stdout.write(`${formatModelUri(name, alias)} → version ${version}${before && before.version !== Number(version) ? ` (was ${before.version})` : ''}\n`);
    return 0;
  });
}

const lineageSchema = z.object({ json: z.boolean().default(false) });

function upstreamLines(stages: readonly UpstreamStage[], indent: string): string[] {
  const lines: string[] = [];
  stages.forEach((stage, index) => {
    const last = index === stages.length - 1;
    const branch = last ? '└─ ' : '├─ ';
    const next = indent + (last ? '   ' : '│  ');
    lines.push(`${indent}${branch}${stage.output} ← stage ${stage.stage} (run ${stage.runId.slice(0, 8)})`);
    const details: string[] = [];
    if (Object.keys(stage.params).length > 0) details.push(`params: ${Object.entries(stage.params).map(([key, value]) => `${key}=${value}`).join(', ')}`);
    const produced = new Set(stage.upstream.map((item) => item.output));
    for (const data of stage.data) if (!produced.has(data.name)) details.push(`data: ${data.name} ${data.digest.slice(0, 19)}`);
    for (const detail of details) lines.push(`${next}${stage.upstream.length > 0 ? '│  ' : '   '}${detail}`.replace(/│  $/, ''));
    lines.push(...upstreamLines(stage.upstream, next));
  });
  return lines;
}

/** A readable tree: model ← run ← data + code + params ← upstream stages. */
export function renderLineage(version: ModelVersion, lineage: Lineage | undefined): string {
  const head = `${formatModelUri(version.name, version.version)}${version.aliases.length ? ` (${version.aliases.join(', ')})` : ''}  ${version.objectId ?? ''}`;
  if (!lineage?.runId) return `${head}\n  no lineage: no run is known to have produced this file\n`;
  const lines = [head];
  const where = lineage.stage ? `stage ${lineage.stage}, ` : '';
  lines.push(`└─ ${lineage.path ?? 'model'} ← ${where}run ${lineage.runId}${lineage.pipelineRunId ? ` (pipeline run ${lineage.pipelineRunId.slice(0, 8)})` : ''}`);
  const details: string[] = [];
  details.push(`code: ${lineage.gitCommit ? `git ${lineage.gitCommit}${lineage.gitDirty ? ' with uncommitted changes' : ''}` : 'not in git'}`);
  if (Object.keys(lineage.params).length > 0) details.push(`params: ${Object.entries(lineage.params).map(([key, value]) => `${key}=${value}`).join(', ')}`);
  if (Object.keys(lineage.metrics).length > 0) details.push(`metrics: ${Object.entries(lineage.metrics).map(([key, value]) => `${key}=${formatNumber(value)}`).join(', ')}`);
  const produced = new Set(lineage.upstream.map((stage) => stage.output));
  for (const data of lineage.data) if (!produced.has(data.name)) details.push(`data: ${data.name} ${data.digest}`);
  if (lineage.baseline) details.push(`baseline when registered: ${formatModelUri(lineage.baseline.name, lineage.baseline.version)}`);
  for (const detail of details) lines.push(`   ${lineage.upstream.length > 0 ? '│  ' : '   '}${detail}`);
  lines.push(...upstreamLines(lineage.upstream, '   '));
  return `${lines.join('\n')}\n`;
}

export async function modelsLineageCommand(target: string, rawOptions: unknown, output: CliContext): Promise<number> {
  const options = parseOptions(lineageSchema, rawOptions, 'models lineage');
  return withServices(output, async (services) => {
    const registry = services.registry(cliActor());
    const ref = parseModelReference(target);
    const version = await registry.resolve(referenceUri(ref.kind === 'model' ? { name: ref.name, kind: 'latest' } : ref));
    if (options.json) printJson(output, { model: formatModelUri(version.name, version.version), object_id: version.objectId ?? null, lineage: version.lineage ?? null });
    else output.stdout.write(renderLineage(version, version.lineage));
    return 0;
  });
}

const deleteSchema = z.object({ force: z.boolean().default(false), json: z.boolean().default(false) });

/** `sluice models delete NAME[/VERSION]`: audited; what aliases point at is kept unless --force. */
export async function modelsDeleteCommand(target: string, rawOptions: unknown, output: CliContext): Promise<number> {
  const options = parseOptions(deleteSchema, rawOptions, 'models delete');
  const ref = parseModelReference(target);
  if (ref.kind !== 'model' && ref.kind !== 'version') throw notDeletable({ reference: target, name: ref.name, alias: ref.kind === 'alias' ? ref.alias : undefined });
  return withServices(output, async (services) => {
    const registry = services.registry(cliActor());
    const refuseAliased = !options.force;
    // What an environment serves, or a rollout in progress rolls out, is never deleted (not even with --force).
    const root = services.workspace.root;
    const deploy = existsSync(join(root, PIPELINE_FILE)) ? createDeployService({ store: openRolloutStore(services.store.connection), registry, config: loadEnvironments(root) }) : undefined;
    if (ref.kind === 'version') {
      await deploy?.assertNotDeployed(ref.name, (await registry.getModelVersion(ref.name, ref.version)).version);
      const version = await registry.deleteModelVersion(ref.name, ref.version, { refuseAliased });
      if (options.json) printJson(output, { deleted: formatModelUri(ref.name, version.version), aliases_removed: version.aliases });
      else output.stdout.write(`Deleted ${formatModelUri(ref.name, version.version)}${version.aliases.length ? ` and its alias${version.aliases.length > 1 ? 'es' : ''} ${version.aliases.join(', ')}` : ''}.\n`);
      return 0;
    }
    await deploy?.assertNotDeployed(ref.name);
    const model = await registry.deleteRegisteredModel(ref.name, { refuseAliased });
    const aliases = model.aliases.map((alias) => alias.alias);
    if (options.json) printJson(output, { deleted: `models:/${model.name}`, aliases_removed: aliases });
    else output.stdout.write(`Deleted the registered model ${model.name} with all its versions${aliases.length ? ` and aliases (${aliases.join(', ')})` : ''}.\n`);
    return 0;
  });
}
