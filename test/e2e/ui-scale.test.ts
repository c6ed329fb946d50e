/**
 * The runs page at 100,000 runs (issue 18), in real headless Chromium: it shows the first page of
 * runs, and scrolling the virtualised table anywhere renders rows over the whole visible area (no
 * blank rows). How fast it becomes interactive is measured by `npm run bench:ui`, not asserted here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, recordErrors } from '../support/browser.js';
import { startSeededUi, type SeededUi } from '../support/ui-workspace.js';

/** The visible part of the table body and the rendered rows' extents, read in the page. */
const COVERAGE = `(() => {
  const body = document.querySelector('.body');
  const rows = [...body.querySelectorAll('[role=row]')].map((row) => {
    const top = Number(/translateY\\(([\\d.]+)px\\)/.exec(row.style.transform)?.[1] ?? NaN);
    return { top, bottom: top + row.getBoundingClientRect().height, text: row.textContent };
  });
  return { scrollTop: body.scrollTop, height: body.clientHeight, total: body.scrollHeight, rows };
})()`;

interface Coverage {
  scrollTop: number;
  height: number;
  total: number;
  rows: { top: number; bottom: number; text: string }[];
}

describe('the runs page with 100,000 runs', { timeout: 180_000 }, () => {
  let ui: SeededUi;
  let browser: Browser;
  before(async () => {
    ui = await startSeededUi(100_000);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await ui?.close();
  });

  test('shows the newest runs first and scrolls without blank rows', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
    const errors: string[] = [];
    recordErrors(page, errors);
    await page.goto(ui.url);
    await page.locator('.body [role=row]').first().waitFor();
    assert.match(await page.locator('.count').innerText(), /^1000 runs \(more available\)$/);
    assert.match(await page.locator('.body [role=row]').first().innerText(), /run-99999/);
    for (const fraction of [0.1, 0.37, 0.5, 0.83, 1]) {
      await page.evaluate(`(() => { const body = document.querySelector('.body'); body.scrollTop = (body.scrollHeight - body.clientHeight) * ${fraction}; })()`);
      // Two frames: the virtualiser renders on the scroll event's frame.
      await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
      const coverage = (await page.evaluate(COVERAGE)) as Coverage;
      const visible = coverage.rows.filter((row) => row.bottom > coverage.scrollTop && row.top < coverage.scrollTop + coverage.height);
      assert.ok(visible.length > 0, `rows at ${fraction}`);
      assert.ok(visible.every((row) => /run-\d+/.test(row.text)), `every visible row has its run at ${fraction}`);
      const first = Math.min(...visible.map((row) => row.top));
      const last = Math.max(...visible.map((row) => row.bottom));
      assert.ok(first <= coverage.scrollTop && last >= Math.min(coverage.scrollTop + coverage.height, coverage.total), `rows cover the view at ${fraction}: ${first}–${last} for ${coverage.scrollTop}–${coverage.scrollTop + coverage.height}`);
    }
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.getByText('2000 runs (more available)').waitFor();
    assert.deepEqual(errors, []);
  });
});
