/**
 * `sluice models card`: gathers a version's model card, stores its Markdown with the version (an
 * artifact beside the model file, named by the version tag `sluice.model_card`), and returns it.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Artifacts } from '../tracking/index.js';
import { gatherModelCard, type GatherCardOptions } from './gather-card.js';
import type { ModelCard } from './model-card.js';
import { renderCardMarkdown } from './render-card.js';

/** The version tag naming the stored card. */
export const MODEL_CARD_TAG = 'sluice.model_card';

export interface StoredCard {
  readonly card: ModelCard;
  readonly markdown: string;
  /** Where the card is kept: `mlflow-artifacts:/registry/NAME/vVERSION/model-card.md`. */
  readonly uri: string;
}

export async function writeModelCard(options: GatherCardOptions & { readonly artifacts: Artifacts; readonly tempDir: string }): Promise<StoredCard> {
  const card = await gatherModelCard(options);
  const markdown = renderCardMarkdown(card);
  const { version } = options;
  mkdirSync(options.tempDir, { recursive: true });
  const local = join(options.tempDir, `model-card-${process.pid}-${Date.now()}.md`);
  try {
    writeFileSync(local, markdown);
    // One card per version: two versions of the same file (a re-registration) share its folder.
    const stored = await options.artifacts.writeFile(`registry/${version.name}/v${version.version}/model-card.md`, local);
    const uri = `mlflow-artifacts:/${stored.path}`;
    await options.registry.setModelVersionTag(version.name, version.version, { key: MODEL_CARD_TAG, value: uri });
    return { card, markdown, uri };
  } finally {
    rmSync(local, { force: true });
  }
}
