/**
 * `sluice models card NAME@ALIAS|NAME/VERSION [--out FILE.md|.html]`: the version's model card,
 * evaluated on --data/--target (default: the gates section of sluice.yaml), stored with the
 * version and written where asked.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { assertWritableFilePath, writeFileAtomic } from '../../core/index.js';
import { gateSetRequired, gatesNotConfigured, loadGateConfig } from '../../evaluation/index.js';
import { cardDataMissing, invalidCardFile, renderCardHtml, writeModelCard } from '../../model-card/index.js';
import { parseModelReference, referenceUri } from '../../registry/index.js';
import { parseOptions } from '../options.js';
import { cliActor, withServices, type CliContext } from '../services.js';

const cardSchema = z.object({
  out: z.string().regex(/\.(md|html)$/i, { error: 'must end in .md or .html' }).optional(),
  data: z.string().min(1).optional(),
  target: z.string().min(1).optional(),
  exclude: z.array(z.string().min(1)).default([]),
  sensitive: z.array(z.string().min(1)).default([]),
  cardFile: z.string().min(1).optional(),
  bootstrap: z.coerce.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).min(100, { error: 'must be at least 100' }).max(100_000).default(1000),
  json: z.boolean().default(false),
});

export async function modelsCardCommand(target: string, rawOptions: unknown, output: CliContext): Promise<number> {
  const options = parseOptions(cardSchema, rawOptions, 'models card');
  // The project's model-card.yaml is read when it is there; a file asked for by name must be.
  if (options.cardFile !== undefined && !existsSync(options.cardFile)) throw invalidCardFile({ file: options.cardFile, problem: 'it does not exist (without --card-file, model-card.yaml in the project is read when there is one)' });
  if (options.out !== undefined) assertWritableFilePath(options.out);
  return withServices(output, async (services) => {
    const root = services.workspace.root;
    const ref = parseModelReference(target);
    const uri = ref.kind === 'model' ? `models:/${ref.name}/latest` : referenceUri(ref);
    const resolved = await services.models(cliActor())(uri);
    const version = resolved.version!;
    let dataPath = options.data && resolve(options.data);
    let targetColumn = options.target;
    let exclude = options.exclude;
    const yaml = join(root, 'sluice.yaml');
    if ((!dataPath || !targetColumn) && existsSync(yaml)) {
      try {
        const gates = loadGateConfig(yaml);
        dataPath ??= resolve(gates.baseDir, gates.config.data);
        targetColumn ??= gates.config.target;
        exclude = exclude.length ? exclude : (gates.config.exclude ?? []);
      } catch (error) {
        // No gates section, or several sets to choose from: --data and --target are needed. A
        // broken gates section is said as itself, not as missing data.
        if (!gatesNotConfigured.is(error) && !gateSetRequired.is(error)) throw error;
      }
    }
    if (!dataPath || !targetColumn) throw cardDataMissing({ reference: target });
    const stored = await writeModelCard({
      registry: services.registry(cliActor()),
      tracking: services.tracking,
      artifacts: services.artifacts,
      version,
      modelPath: resolved.path,
      dataPath,
      target: targetColumn,
      exclude,
      sensitive: options.sensitive,
      cardFile: resolve(options.cardFile ?? join(root, 'model-card.yaml')),
      root,
      bootstrap: options.bootstrap,
      tempDir: join(services.workspace.paths.tmpDir, 'model-card'),
    });
    if (options.out) writeFileAtomic(options.out, options.out.toLowerCase().endsWith('.html') ? renderCardHtml(stored.card) : stored.markdown);
    if (options.json) {
      output.stdout.write(`${JSON.stringify({ ...stored.card, stored: stored.uri }, null, 2)}\n`);
      return 0;
    }
    if (!options.out) output.stdout.write(stored.markdown);
    output.stderr.write(`Model card of models:/${version.name}/${version.version} stored with the version (${stored.uri})${options.out ? `, written to ${options.out}` : ''}\n`);
    return 0;
  });
}
