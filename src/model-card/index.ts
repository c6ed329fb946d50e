/** Model cards (Mitchell et al. 2019): gathered from the registry, tracking, evaluation and explanations. */
export { MODEL_CARD_TAG, writeModelCard, type StoredCard } from './card-service.js';
export { gatherModelCard, type GatherCardOptions } from './gather-card.js';
export { cardFileSchema, readCardFile, type CardFile } from './card-file.js';
export { renderCardHtml, renderCardMarkdown } from './render-card.js';
export type { ModelCard } from './model-card.js';
export * from './errors.js';
