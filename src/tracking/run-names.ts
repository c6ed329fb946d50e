/** Readable names for runs nobody named (`brave-otter-417`), as MLflow gives them. */
import { randomInt } from 'node:crypto';

const ADJECTIVES = [
  'amber', 'bold', 'brave', 'bright', 'calm', 'clever', 'crisp', 'daring', 'eager', 'fair', 'gentle', 'glad', 'grand', 'keen', 'kind',
  'lively', 'lucid', 'merry', 'nimble', 'noble', 'placid', 'proud', 'quick', 'quiet', 'rapid', 'serene', 'sharp', 'steady', 'swift', 'vivid',
];
const NOUNS = [
  'badger', 'bear', 'crane', 'deer', 'dolphin', 'eagle', 'falcon', 'finch', 'fox', 'hare', 'heron', 'ibis', 'jay', 'koala', 'lark',
  'lynx', 'mole', 'newt', 'otter', 'owl', 'panda', 'quail', 'raven', 'robin', 'seal', 'stork', 'swan', 'tern', 'wolf', 'wren',
];

export function generateRunName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${NOUNS[randomInt(NOUNS.length)]}-${randomInt(1000)}`;
}
