/**
 * The evaluation report, from a real evaluation of the shared baseline's predictions: Markdown
 * with every metric and its interval, and a self-contained HTML page with the charts inline and
 * user-provided names escaped.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { sharedFixture } from '../../test/support/fixtures.js';
import { markdownTables } from '../../test/support/markdown.js';
import { allElements, parseXml, svgFragments } from '../../test/support/xml.js';
import { evaluate, type EvaluationResult } from '../evaluation/index.js';
import { evaluationCharts, renderEvaluationHtml, renderEvaluationMarkdown } from './index.js';

const HOSTILE = '<script>alert(1)</script>';

describe('evaluation report', { timeout: 60_000 }, () => {
  let result: EvaluationResult;
  before(async () => {
    result = await evaluate({
      predictionsPath: sharedFixture('breast_cancer', 'test_predictions.csv'),
      predictionColumns: ['bc_logreg_p0', 'bc_logreg_p1'],
      target: 'target',
      curves: true,
      bootstrap: 100,
      slices: ['row'],
      seed: 7,
    });
  });

  test('the Markdown table lists every metric with its value and 95 % interval', () => {
    const markdown = renderEvaluationMarkdown(result, 'bc_logreg', {});
    assert.match(markdown, /^## Evaluation of bc_logreg: 171 rows, binary, positive class 1$/m);
    const [metrics] = markdownTables(markdown);
    assert.deepEqual(metrics!.header, ['Metric', 'Value', '95% CI']);
    assert.deepEqual(metrics!.rows.map((row) => row[0]), Object.keys(result.metrics));
    const byName = Object.fromEntries(metrics!.rows.map((row) => [row[0], row]));
    // Reference values from the fixtures README (sklearn): accuracy 0.9883, ROC AUC 0.9981.
    assert.equal(byName.accuracy![1], '0.988304');
    assert.equal(byName.roc_auc![1], '0.998102');
    for (const row of metrics!.rows) assert.match(row[2]!, /^\[[\d.]+, [\d.]+\]$/, `${row[0]} has an interval`);
  });

  test('the Markdown links the chart files it is given, and has a slice table', () => {
    const markdown = renderEvaluationMarkdown(result, 'm', { roc: 'eval-roc.svg', confusion: 'eval-confusion.svg' });
    assert.match(markdown, /^!\[roc\]\(eval-roc\.svg\) !\[confusion\]\(eval-confusion\.svg\)$/m);
    assert.match(markdown, /^### Slices by row$/m);
    const slices = markdownTables(markdown)[1]!;
    assert.deepEqual(slices.header, ['Slice', 'Rows', 'Metrics']);
    assert.equal(slices.rows.reduce((sum, row) => sum + Number(row[1]), 0), 171, 'the slices cover every row');
  });

  test('the charts are ROC, precision–recall, calibration and the confusion matrix, all well-formed SVG', () => {
    const charts = evaluationCharts(result);
    assert.deepEqual(Object.keys(charts).sort(), ['calibration', 'confusion', 'pr', 'roc']);
    for (const [name, svg] of Object.entries(charts)) assert.equal(parseXml(svg).name, 'svg', name);
    assert.match(parseXml(charts.roc!).attributes['aria-label']!, /^ROC curve \(AUC 0\.998102\)$/);
    const confusion = allElements(parseXml(charts.confusion!)).filter((element) => element.name === 'text').map((element) => element.text);
    for (const count of ['63', '1', '106']) assert.ok(confusion.includes(count), `confusion count ${count}`);
    // The ROC line runs from (0, 0) to (1, 1): plot corners (48, 276) and (344, 32).
    const polyline = allElements(parseXml(charts.roc!)).find((element) => element.name === 'polyline')!;
    const points = polyline.attributes.points!.split(' ');
    assert.equal(points[0], '48.0,276.0');
    assert.equal(points.at(-1), '344.0,32.0');
  });

  test('the HTML page is self-contained: no scripts, no external URLs, every chart inline', () => {
    const html = renderEvaluationHtml(result, 'bc_logreg');
    assert.match(html, /^<!doctype html>/);
    assert.doesNotMatch(html, /<script|<link|<iframe|<img|\bsrc=|@import|url\(/i);
    const urls = html.match(/https?:\/\/[^\s"'<>)]+/g) ?? [];
    assert.deepEqual([...new Set(urls)], ['http://www.w3.org/2000/svg'], 'only the SVG namespace, which is never fetched');
    const svgs = svgFragments(html);
    assert.equal(svgs.length, 4);
    for (const svg of svgs) parseXml(svg);
    assert.match(html, /<td>accuracy<\/td><td class="n">0\.988304<\/td><td>\[[\d.]+, [\d.]+\]<\/td>/);
  });

  test('a subject and feature names with HTML in them appear escaped, never as markup', () => {
    const withImportance: EvaluationResult = { ...result, importance: { metric: 'roc_auc', repeats: 1, features: { [HOSTILE]: { mean: 0.2, std: 0.01 }, 'a & b': { mean: 0.1, std: 0 } } } };
    const html = renderEvaluationHtml(withImportance, '<img src=x onerror=alert(1)>');
    assert.doesNotMatch(html, /<script|<img/i);
    assert.match(html, /<td>&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/td>/);
    assert.match(html, /<td>a &amp; b<\/td>/);
    assert.match(html, /<h1>Evaluation of &lt;img src=x onerror=alert\(1\)&gt;: 171 rows/);
    assert.match(html, /<title>Evaluation of &lt;img/);
    assert.match(html, /<h2>Permutation importance \(roc_auc\)<\/h2>/);
  });

  test('a result without curves or confusion matrix (regression) has no charts', () => {
    const regression: EvaluationResult = { task: 'regression', n: 3, metrics: { mae: 0.5, r2: 0.9 } };
    assert.deepEqual(evaluationCharts(regression), {});
    const html = renderEvaluationHtml(regression, 'r');
    assert.equal(svgFragments(html).length, 0);
    assert.doesNotMatch(renderEvaluationMarkdown(regression, 'r', {}), /95% CI|!\[/);
  });

  test('slice values with | or HTML stay inside their Markdown cell', () => {
    const sliced: EvaluationResult = { ...result, slices: { city: { 'Paris|Lyon': { n: 3, metrics: { accuracy: 1 } }, [HOSTILE]: { n: 2, metrics: { accuracy: 0.5 } } } } };
    const markdown = renderEvaluationMarkdown(sliced, 'm', {});
    const slices = markdownTables(markdown)[1]!;
    for (const row of slices.rows) assert.equal(row.length, 3, row.join(' | '));
    assert.doesNotMatch(markdown, /<script/);
  });
});

describe('evaluation report of a model, as HTML', { timeout: 60_000 }, () => {
  let result: EvaluationResult;
  before(async () => {
    result = await evaluate({
      modelPath: sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx'),
      dataPath: sharedFixture('breast_cancer', 'test.csv'),
      target: 'target',
      slices: ['mean_radius'],
      importanceRepeats: 2,
      seed: 7,
    });
  });

  test('shows what the terminal shows below the metrics: slices, robustness and importance', () => {
    assert.ok(result.slices && result.robustness && result.importance, 'the evaluation computed them');
    const html = renderEvaluationHtml(result, 'bc_logreg');
    assert.match(html, /<h2>Slices by mean_radius<\/h2><table><tr><th>Slice<\/th><th>Rows<\/th><th>accuracy<\/th>/);
    for (const group of Object.keys(result.slices!.mean_radius!)) assert.ok(html.includes(`<td>${group.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')}</td>`), `slice ${group}`);
    assert.match(html, /<h2>Robustness \([a-z_]+\)<\/h2>.*Gaussian noise/s);
    assert.match(html, /<h2>Permutation importance \([a-z_]+\)<\/h2>/);
    const features = Object.keys(result.importance!.features).slice(0, 3);
    for (const feature of features) assert.ok(html.includes(`<td>${feature}</td>`), feature);
  });
});
