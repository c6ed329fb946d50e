/** Errors of model cards. */
import { defineError } from '../core/index.js';

export const invalidCardFile = defineError<{ file: string; problem: string }>('SLUICE_MODEL_CARD_INVALID', {
  kind: 'invalid_input',
  description: 'The user-written model-card.yaml (intended use, owners, caveats) does not fit its schema.',
  message: ({ file, problem }) => `${file}: ${problem}.`,
  hint: () => 'See docs/model-cards.md for the fields (intended_use.primary_uses, out_of_scope, users; owners; license; ethical_considerations; caveats), each a text or a list of texts.',
});

export const cardDataMissing = defineError<{ reference: string }>('SLUICE_MODEL_CARD_NO_DATA', {
  kind: 'invalid_input',
  description: 'A model card needs labelled evaluation data, and none was given or configured.',
  message: ({ reference }) => `No evaluation data for the card of ${reference}: give --data FILE --target COLUMN.`,
  hint: () => 'Or add a gates: section with data: and target: to sluice.yaml, which the card uses by default.',
});
