// Holds out a stratified validation split of data/train.csv: data/prepared/{fit,validation}.csv.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const flag = (name) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1]);
const seed = flag('seed');
const fraction = flag('fraction');

// mulberry32: a tiny seeded generator, so the split is the same on every machine.
let state = seed >>> 0;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const [header, ...lines] = readFileSync('data/train.csv', 'utf8').trim().split('\n');
const target = header.split(',').indexOf('target');
const fit = [];
const validation = [];
for (const label of ['0', '1']) {
  const group = lines.filter((line) => line.split(',')[target] === label);
  for (let i = group.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [group[i], group[j]] = [group[j], group[i]];
  }
  const held = Math.round(group.length * fraction);
  validation.push(...group.slice(0, held));
  fit.push(...group.slice(held));
}
mkdirSync('data/prepared', { recursive: true });
writeFileSync('data/prepared/fit.csv', [header, ...fit].join('\n') + '\n');
writeFileSync('data/prepared/validation.csv', [header, ...validation].join('\n') + '\n');
console.log(`fit: ${fit.length} rows, validation: ${validation.length} rows`);
