/**
 * The report as a reviewer sees it: rendered from Markdown (markdown-it, as GitHub renders GFM)
 * into a column as wide as a pull-request comment, with GitHub's table styles, in real headless
 * Chromium; its Mermaid blocks are drawn by Mermaid itself, the library GitHub and GitLab use.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import MarkdownIt from 'markdown-it';
import { chromium, type Browser, type Page } from 'playwright-core';
import { blockedAtData, blockedAtGate, passedWithRegistration } from '../../../test/support/ci-results.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import type { CiResult } from '../ci-result.js';
import { renderCiMarkdown } from './index.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic'];
/** The width of a comment's body in a GitHub pull request's conversation, at a desktop window. */
const COMMENT_WIDTH = 780;
/** GitHub's markdown-body rules that decide a table's width (primer/css markdown/tables.scss). */
const GITHUB_CSS = `body{margin:0}.markdown-body{width:${COMMENT_WIDTH}px;padding:16px;box-sizing:border-box;font:14px/1.5 -apple-system,"Segoe UI","Noto Sans",Helvetica,Arial,sans-serif;word-wrap:break-word}
.markdown-body table{display:block;width:max-content;max-width:100%;overflow:auto;border-spacing:0;border-collapse:collapse}
.markdown-body td,.markdown-body th{padding:6px 13px;border:1px solid #d1d9e0}.markdown-body code{font-size:85%;padding:.2em .4em;white-space:break-spaces}`;

const markdownIt = new MarkdownIt({ html: true });
const mermaidScript = createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js');

/** Run in the page (a string: this project compiles without the DOM's types): every table's box, all <details> unfolded. */
const TABLE_PROBE = `(() => {
  for (const section of document.querySelectorAll('details')) section.open = true;
  const body = document.querySelector('.markdown-body').getBoundingClientRect();
  return [...document.querySelectorAll('table')].map((table) => ({
    header: [...table.querySelectorAll('th')].map((cell) => cell.textContent).join(', '),
    scrollWidth: table.scrollWidth,
    clientWidth: table.clientWidth,
    right: table.getBoundingClientRect().right,
    bodyRight: body.right,
  }));
})()`;

interface TableBox {
  readonly header: string;
  readonly scrollWidth: number;
  readonly clientWidth: number;
  readonly right: number;
  readonly bodyRight: number;
}

/** As GitHub does: each mermaid code block drawn by Mermaid in the page; what each drawing holds. */
const MERMAID_PROBE = `(async () => {
  mermaid.initialize({ startOnLoad: false });
  const drawn = [];
  const blocks = [...document.querySelectorAll('pre > code.language-mermaid')];
  for (const [k, block] of blocks.entries()) {
    const { svg } = await mermaid.render('chart' + k, block.textContent);
    const holder = document.createElement('div');
    holder.innerHTML = svg;
    drawn.push({ bars: holder.querySelectorAll('.bar-plot-0 rect').length, lines: holder.querySelectorAll('.line-plot-0 path, .line-plot-1 path').length, error: svg.includes('Syntax error') });
  }
  return drawn;
})()`;

/** The blocked result with every rule failed: the widest metrics table (bold names, ❌ in each row). */
function allRulesFailed(result: CiResult): CiResult {
  const gate = result.gate!;
  return { ...result, gate: { ...gate, report: { ...gate.report, passed: false, rules: gate.report.rules.map((rule) => ({ ...rule, passed: false })) } } };
}

function page(markdown: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><style>${GITHUB_CSS}</style></head><body><article class="markdown-body">${markdownIt.render(markdown)}</article></body></html>`;
}

describe('the sluice ci report in Chromium', { skip: existsSync(CHROMIUM) ? false : `no ${CHROMIUM} on this machine`, timeout: 180_000 }, () => {
  let temp: ReturnType<typeof makeTempDir>;
  let browser: Browser;
  const results: Record<string, CiResult> = {};
  before(async () => {
    temp = makeTempDir('sluice-ci-report-browser-');
    results.blocked = await blockedAtGate(temp.path);
    results.passed = await passedWithRegistration(temp.path);
    results.data = await blockedAtData(temp.path);
    results.allFailed = allRulesFailed(results.blocked);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 60_000 });
  });
  after(async () => {
    await browser?.close();
    temp.remove();
  });

  async function open(markdown: string): Promise<Page> {
    const tab = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    tab.setDefaultTimeout(30_000);
    await tab.setContent(page(markdown));
    return tab;
  }

  test('no table overflows a comment\'s width, with every <details> unfolded', async () => {
    for (const [name, result] of Object.entries(results)) {
      const tab = await open(renderCiMarkdown(result, { serverUrl: 'https://sluice.example.org' }));
      try {
        const tables = (await tab.evaluate(TABLE_PROBE)) as TableBox[];
        assert.ok(tables.length >= 2, `${name}: ${tables.length} tables`);
        for (const table of tables) {
          assert.ok(table.clientWidth > 0, `${name}: ${table.header} is laid out`);
          assert.ok(table.scrollWidth <= table.clientWidth, `${name}: ${table.header} is ${table.scrollWidth} px wide in ${table.clientWidth} px`);
          assert.ok(table.right <= table.bodyRight, `${name}: ${table.header} ends at ${table.right} px, past the comment at ${table.bodyRight} px`);
        }
      } finally {
        await tab.close();
      }
    }
  });

  test('Mermaid draws every chart block: one bar per rule metric, one per drift column', async () => {
    const markdown = renderCiMarkdown(results.blocked!);
    const tab = await open(markdown);
    try {
      await tab.addScriptTag({ path: mermaidScript });
      const charts = (await tab.evaluate(MERMAID_PROBE)) as { bars: number; lines: number; error: boolean }[];
      assert.equal(charts.length, 2);
      assert.deepEqual(charts[0], { bars: results.blocked!.gate!.report.rules.length, lines: 1, error: false });
      assert.equal(charts[1]!.bars, 12);
      assert.equal(charts[1]!.error, false);
    } finally {
      await tab.close();
    }
  });
});
