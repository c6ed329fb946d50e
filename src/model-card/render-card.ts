/** A model card as GitHub-flavoured Markdown or a self-contained HTML page, in Mitchell et al.'s sections. */
import type { ModelCard } from './model-card.js';

type Block = { kind: 'heading'; level: number; text: string } | { kind: 'paragraph'; text: string } | { kind: 'list'; items: readonly string[] } | { kind: 'table'; headers: readonly string[]; rows: readonly (readonly string[])[] };

const number = (value: number) => (Number.isInteger(value) ? String(value) : value.toPrecision(4));
const list = (items: readonly string[] | undefined, none: string) => (items && items.length > 0 ? items : [none]);

function details(card: ModelCard): Block[] {
  const d = card.details;
  const rows: [string, string][] = [
    ['Model', `${d.uri}${d.aliases.length ? ` (${d.aliases.join(', ')})` : ''}`],
    ['Description', d.description || '—'],
    ['Content hash', d.hash ?? '—'],
    ['Size', d.sizeBytes === undefined ? '—' : `${d.sizeBytes} bytes`],
    ['Registered', `${d.created} by ${d.createdBy}`],
    ['Algorithm', d.algorithm ?? 'not recorded in the model (trained outside Sluice)'],
    ['Task', d.task ?? '—'],
    ['Produced by', d.runId ? `run ${d.runId}${d.stage ? `, stage ${d.stage}` : ''}${d.commit ? `, commit ${d.commit}${d.dirty ? ' (uncommitted changes)' : ''}` : ''}` : 'no known run (registered from a file)'],
    ['Trained', d.trainedAt ?? '—'],
    ['Inputs', d.inputs.length > 6 ? `${d.inputs.slice(0, 5).join('; ')}; … (${d.inputs.length})` : d.inputs.join('; ') || '—'],
    ['Outputs', d.outputs.join('; ') || '—'],
  ];
  const params = Object.entries(d.params);
  return [
    { kind: 'heading', level: 2, text: 'Model details' },
    { kind: 'table', headers: ['', ''], rows },
    ...(params.length ? [{ kind: 'heading', level: 3, text: 'Parameters' } as Block, { kind: 'table', headers: ['Parameter', 'Value'], rows: params } as Block] : []),
  ];
}

function intendedUse(card: ModelCard): Block[] {
  const use = card.intendedUse;
  if (!use) return [{ kind: 'heading', level: 2, text: 'Intended use' }, { kind: 'paragraph', text: `Not written yet: add ${card.cardFile} with intended_use (primary_uses, primary_users, out_of_scope), owners, license, ethical_considerations and caveats (docs/model-cards.md).` }];
  const owners = (use.owners ?? []).map((owner) => (typeof owner === 'string' ? owner : `${owner.name}${owner.contact ? ` <${owner.contact}>` : ''}`));
  return [
    { kind: 'heading', level: 2, text: 'Intended use' },
    { kind: 'heading', level: 3, text: 'Primary uses' },
    { kind: 'list', items: list(use.intended_use?.primary_uses, 'not stated') },
    { kind: 'heading', level: 3, text: 'Primary users' },
    { kind: 'list', items: list(use.intended_use?.primary_users, 'not stated') },
    { kind: 'heading', level: 3, text: 'Out of scope' },
    { kind: 'list', items: list(use.intended_use?.out_of_scope, 'not stated') },
    { kind: 'paragraph', text: `Owners: ${owners.join(', ') || 'not stated'}. License: ${use.license ?? 'not stated'}.` },
    ...(use.factors ? [{ kind: 'heading', level: 2, text: 'Factors' } as Block, { kind: 'list', items: use.factors } as Block] : []),
  ];
}

function data(card: ModelCard): Block[] {
  const e = card.evaluation;
  return [
    { kind: 'heading', level: 2, text: 'Training data' },
    card.trainingData.length
      ? { kind: 'table', headers: ['Data', 'Content hash', 'Read by'], rows: card.trainingData.map((item) => [item.name, item.digest, item.stage ?? '—']) }
      : { kind: 'paragraph', text: 'Not known: the version has no lineage (register pipeline outputs to record it).' },
    { kind: 'heading', level: 2, text: 'Evaluation data' },
    {
      kind: 'table',
      headers: ['', ''],
      rows: [
        ['File', e.data],
        ['Content hash', e.digest],
        ['Rows × columns', `${e.rows} × ${e.columns}`],
        ['Missing cells', String(e.missingCells)],
        ['Target', e.target],
        ...(e.classBalance ? [['Class balance', Object.entries(e.classBalance).map(([label, count]) => `${label}: ${count} (${((100 * count) / e.rows).toFixed(1)} %)`).join(', ')] as [string, string]] : []),
      ],
    },
  ];
}

function metrics(card: ModelCard): Block[] {
  const e = card.evaluation;
  const blocks: Block[] = [
    { kind: 'heading', level: 2, text: 'Quantitative analyses' },
    { kind: 'paragraph', text: `On ${e.data}; intervals are 95 % bootstrap intervals over ${e.bootstrap} resamples.` },
    { kind: 'table', headers: ['Metric', 'Value', '95 % interval'], rows: e.metrics.map((metric) => [metric.name, number(metric.value), metric.interval ? `${number(metric.interval[0])} – ${number(metric.interval[1])}` : '—']) },
  ];
  if (e.fairness.length > 0) {
    const names = Object.keys(e.fairness[0]!.metrics);
    blocks.push({ kind: 'heading', level: 3, text: 'Groups (fairness)' }, { kind: 'table', headers: ['Attribute', 'Group', 'Rows', ...names], rows: e.fairness.map((group) => [group.attribute, group.group, String(group.rows), ...names.map((name) => number(group.metrics[name]!))]) });
  }
  return blocks;
}

function explanation(card: ModelCard): Block[] {
  const x = card.explanation;
  if ('error' in x) return [{ kind: 'heading', level: 2, text: 'Global explanation' }, { kind: 'paragraph', text: `Not computed: ${x.error}` }];
  return [
    { kind: 'heading', level: 2, text: 'Global explanation' },
    { kind: 'paragraph', text: `Mean |SHAP| (${x.method} SHAP) over ${x.rows} rows of the evaluation data, most important first.` },
    { kind: 'table', headers: ['#', 'Feature', 'Mean |SHAP|'], rows: x.ranking.map((item, rank) => [String(rank + 1), item.feature, number(item.meanAbsShap)]) },
  ];
}

function governance(card: ModelCard): Block[] {
  const gate = card.gate;
  const use = card.intendedUse;
  return [
    { kind: 'heading', level: 2, text: 'Quality gate' },
    gate
      ? { kind: 'paragraph', text: `${gate.verdict.toUpperCase()} in run ${gate.runId} at ${gate.when}${gate.failedRules ? `; failed rules: ${gate.failedRules}` : ''}. ${Object.entries(gate.metrics).filter(([key]) => key.startsWith('candidate.')).slice(0, 6).map(([key, value]) => `${key.slice(10)} ${number(value)}`).join(', ')}` }
      : { kind: 'paragraph', text: 'No gate run judged this file (its content hash): run `sluice gate` or a pipeline with a gate stage.' },
    { kind: 'heading', level: 2, text: 'Audit trail' },
    card.audit.length ? { kind: 'table', headers: ['When (UTC)', 'Who', 'Action', 'Target', 'Details'], rows: card.audit.map((entry) => [entry.when, entry.actor, entry.action, entry.target, entry.details]) } : { kind: 'paragraph', text: 'No registry changes recorded.' },
    { kind: 'heading', level: 2, text: 'Ethical considerations' },
    { kind: 'list', items: list(use?.ethical_considerations, 'not stated') },
    { kind: 'heading', level: 2, text: 'Caveats and recommendations' },
    { kind: 'list', items: list(use?.caveats, 'not stated') },
  ];
}

function blocks(card: ModelCard): Block[] {
  return [
    { kind: 'heading', level: 1, text: `Model card: ${card.details.name} version ${card.details.version}` },
    { kind: 'paragraph', text: `Generated by Sluice at ${card.generatedAt}, in the sections of Mitchell et al., "Model Cards for Model Reporting" (2019).` },
    ...details(card),
    ...intendedUse(card),
    ...data(card),
    ...metrics(card),
    ...explanation(card),
    ...governance(card),
  ];
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

export function renderCardMarkdown(card: ModelCard): string {
  return `${blocks(card)
    .map((block) => {
      switch (block.kind) {
        case 'heading':
          return `${'#'.repeat(block.level)} ${block.text}`;
        case 'paragraph':
          return block.text;
        case 'list':
          return block.items.map((item) => `- ${item}`).join('\n');
        default: {
          const headers = block.headers.every((header) => header === '') ? ['Field', 'Value'] : block.headers;
          return [`| ${headers.map(cell).join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...block.rows.map((row) => `| ${row.map(cell).join(' | ')} |`)].join('\n');
        }
      }
    })
    .join('\n\n')}\n`;
}

const escape = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

export function renderCardHtml(card: ModelCard): string {
  const body = blocks(card)
    .map((block) => {
      switch (block.kind) {
        case 'heading':
          return `<h${block.level}>${escape(block.text)}</h${block.level}>`;
        case 'paragraph':
          return `<p>${escape(block.text)}</p>`;
        case 'list':
          return `<ul>${block.items.map((item) => `<li>${escape(item)}</li>`).join('')}</ul>`;
        default:
          return `<table>${block.headers.every((header) => header === '') ? '' : `<tr>${block.headers.map((header) => `<th>${escape(header)}</th>`).join('')}</tr>`}${block.rows.map((row) => `<tr>${row.map((value) => `<td>${escape(value)}</td>`).join('')}</tr>`).join('')}</table>`;
      }
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Model card: ${escape(card.details.name)} ${card.details.version}</title>
<style>body{font-family:sans-serif;margin:2rem;max-width:60rem;color:#111}table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}</style>
</head><body>
${body}
</body></html>
`;
}
