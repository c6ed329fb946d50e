/**
 * The SVG charts: well-formed XML (checked by parsing), with the data's points where the axes say
 * they are, and text from users escaped.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { allElements, parseXml, type XmlElement } from '../../test/support/xml.js';
import { confusionMatrixSvg, heatmapSvg, histogramSvg, lineChartSvg } from './index.js';

const HOSTILE = 'a <b> & "c" </svg><script>alert(1)</script>';

const byName = (root: XmlElement, name: string) => allElements(root).filter((element) => element.name === name);
const texts = (root: XmlElement) => byName(root, 'text').map((element) => element.text);
/** "x,y x,y" → [[x, y], …] */
const points = (polyline: XmlElement) => polyline.attributes.points!.split(' ').filter(Boolean).map((pair) => pair.split(',').map(Number));

describe('the well-formedness check itself', { timeout: 60_000 }, () => {
  test('accepts good XML and rejects the usual mistakes', () => {
    assert.equal(parseXml('<a x="1"><b>t &amp; &lt;u&gt;</b><c/></a>').children.length, 2);
    for (const bad of ['<a><b></a></b>', '<a x=1/>', '<a>&</a>', '<a>1 < 2</a>', '<a x="1" x="2"/>', '<a>', '<a/><b/>', '<a y="<"/>', '<a>&nbsp;</a>']) {
      assert.throws(() => parseXml(bad), Error, bad);
    }
  });
});

describe('line chart', { timeout: 60_000 }, () => {
  const series = { name: 'model', x: [0, 0.1, 0.4, 1], y: [0, 0.7, 0.9, 1] };

  test('is a well-formed SVG document with a title, axis labels and one polyline per series', () => {
    const svg = parseXml(lineChartSvg({ title: 'ROC curve', xLabel: 'false positive rate', yLabel: 'true positive rate', series: [series, { name: 'baseline', x: [0, 1], y: [0, 1] }] }));
    assert.equal(svg.name, 'svg');
    assert.equal(svg.attributes.xmlns, 'http://www.w3.org/2000/svg');
    assert.equal(svg.attributes['aria-label'], 'ROC curve');
    assert.equal(byName(svg, 'polyline').length, 2);
    for (const label of ['ROC curve', 'false positive rate', 'true positive rate', 'model', 'baseline', '0.0', '1.0']) assert.ok(texts(svg).includes(label), label);
  });

  test('every point of the data is on the line, in plot coordinates (y grows downwards)', () => {
    const svg = parseXml(lineChartSvg({ title: 't', xLabel: 'x', yLabel: 'y', series: [series] }));
    const drawn = points(byName(svg, 'polyline')[0]!);
    assert.equal(drawn.length, 4);
    // The plot spans x 48…344 and y 32…276 (360×320 less the margins).
    assert.deepEqual(drawn[0], [48, 276]);
    assert.deepEqual(drawn[3], [344, 32]);
    assert.deepEqual(drawn[1], [Number((48 + 0.1 * 296).toFixed(1)), Number((32 + 0.3 * 244).toFixed(1))]);
  });

  test('a step chart holds each value until the next x; markers mark every point; the diagonal is dashed', () => {
    const svg = parseXml(lineChartSvg({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ ...series, markers: true }], step: true, diagonal: true }));
    const drawn = points(byName(svg, 'polyline')[0]!);
    assert.equal(drawn.length, 2 * 4 - 1);
    assert.deepEqual(drawn[1], [drawn[2]![0], drawn[0]![1]], 'horizontal first, then up');
    assert.equal(byName(svg, 'circle').length, 4);
    assert.equal(byName(svg, 'line').filter((line) => line.attributes['stroke-dasharray']).length, 1);
  });

  test('non-finite points are left out of the line', () => {
    const svg = parseXml(lineChartSvg({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 's', x: [0, Number.NaN, 1], y: [0, 0.5, Number.POSITIVE_INFINITY] }] }));
    assert.equal(points(byName(svg, 'polyline')[0]!).length, 1);
  });

  test('markers skip non-finite points as the line does', () => {
    const svg = parseXml(lineChartSvg({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 's', x: [0, Number.NaN, 1], y: [0, 0.5, 1], markers: true }] }));
    for (const circle of byName(svg, 'circle')) assert.ok(Number.isFinite(Number(circle.attributes.cx)) && Number.isFinite(Number(circle.attributes.cy)));
  });

  test('titles, labels and series names are escaped', () => {
    const xml = lineChartSvg({ title: HOSTILE, xLabel: HOSTILE, yLabel: HOSTILE, series: [{ ...series, name: HOSTILE }] });
    assert.doesNotMatch(xml, /<script/);
    const svg = parseXml(xml);
    assert.equal(svg.attributes['aria-label'], HOSTILE);
    assert.equal(texts(svg).filter((text) => text === HOSTILE).length, 4);
  });
});

describe('confusion matrix', { timeout: 60_000 }, () => {
  test('a cell per count, each count written in it, class names on both axes', () => {
    const svg = parseXml(confusionMatrixSvg([[63, 1], [1, 106]], ['malignant', 'benign']));
    const cells = byName(svg, 'rect').filter((rect) => rect.attributes.x !== undefined);
    assert.equal(cells.length, 4);
    const labels = texts(svg);
    for (const count of ['63', '1', '106']) assert.ok(labels.includes(count), count);
    assert.equal(labels.filter((label) => label === 'malignant').length, 2, 'as true and as predicted class');
    assert.ok(labels.includes('predicted'));
  });

  test('the largest count is the darkest cell', () => {
    const svg = parseXml(confusionMatrixSvg([[5, 0], [2, 9]], ['0', '1']));
    const shade = (rect: XmlElement) => /rgb\((\d+),/.exec(rect.attributes.fill!)![1];
    const cells = byName(svg, 'rect').filter((rect) => rect.attributes.x !== undefined).map((rect) => Number(shade(rect)));
    assert.equal(Math.min(...cells), cells[3]);
    assert.equal(Math.max(...cells), cells[1]);
  });

  test('class names are escaped, and a 3-class matrix has 9 cells', () => {
    const xml = confusionMatrixSvg([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [HOSTILE, 'b', 'c']);
    assert.doesNotMatch(xml, /<script/);
    const svg = parseXml(xml);
    assert.equal(byName(svg, 'rect').filter((rect) => rect.attributes.x !== undefined).length, 9);
    assert.ok(texts(svg).includes(HOSTILE));
  });
});

describe('histogram', { timeout: 60_000 }, () => {
  const chart = {
    title: 'mean_radius',
    labels: ['6–10', '10–14', '14–18'],
    series: [
      { name: 'reference (4)', counts: [1, 2, 1], color: '#9ca3af' },
      { name: 'current (2)', counts: [0, 0, 2], color: '#2563eb' },
    ],
  };

  test('a bar per label and series, with its share as a tooltip', () => {
    const svg = parseXml(histogramSvg(chart));
    const bars = byName(svg, 'rect').filter((rect) => rect.children.some((child) => child.name === 'title'));
    assert.equal(bars.length, 6);
    const tooltips = bars.map((bar) => bar.children[0]!.text);
    assert.ok(tooltips.includes('10–14: reference (4) 50.0 %'));
    assert.ok(tooltips.includes('14–18: current (2) 100.0 %'));
    assert.ok(tooltips.includes('6–10: current (2) 0.0 %'));
  });

  test('bar heights are proportional to shares, the largest share filling the plot', () => {
    const svg = parseXml(histogramSvg(chart));
    const heights = byName(svg, 'rect')
      .filter((rect) => rect.children.length > 0)
      .map((rect) => Number(rect.attributes.height));
    const tallest = Math.max(...heights);
    assert.equal(tallest, 96, 'the plot is 150 − 30 − 24 high');
    assert.equal(heights[1], tallest / 2);
    assert.equal(heights[3], 0);
  });

  test('an all-zero series draws empty bars, not NaN', () => {
    const xml = histogramSvg({ ...chart, series: [{ name: 'empty', counts: [0, 0, 0], color: '#000' }] });
    assert.doesNotMatch(xml, /NaN/);
    parseXml(xml);
  });

  test('titles, labels and series names are escaped', () => {
    const xml = histogramSvg({ title: HOSTILE, labels: [HOSTILE, 'x'], series: [{ name: HOSTILE, counts: [1, 1], color: '#000' }] });
    assert.doesNotMatch(xml, /<script/);
    const svg = parseXml(xml);
    assert.equal(svg.attributes['aria-label'], HOSTILE);
    assert.ok(texts(svg).includes(HOSTILE));
  });
});

describe('line chart over time, with reference lines and intervals', { timeout: 60_000 }, () => {
  const options = { title: 't', xLabel: 'x', yLabel: 'y', xDomain: [0, 4] as const, series: [{ name: 'accuracy', x: [0, 1, 2, 3, 4], y: [0.9, 0.8, Number.NaN, 0.7, 0.6], band: { low: [0.8, 0.7, Number.NaN, 0.6, 0.5], high: [1, 0.9, Number.NaN, 0.8, 0.7] }, flags: [false, true, false, false, true], flagLabel: 'dataset drift' }] };

  test('a rule is a dashed line across the plot at its value, named in the legend', () => {
    const svg = parseXml(lineChartSvg({ ...options, rules: [{ name: 'min 0.75', y: 0.75 }] }));
    const [rule] = byName(svg, 'line').filter((line) => line.attributes.class === 'rule');
    assert.equal(rule!.attributes.y1, rule!.attributes.y2);
    assert.equal(Number(rule!.attributes.y1), Number((32 + 0.25 * 244).toFixed(1)));
    assert.ok(texts(svg).includes('min 0.75'));
  });

  test('the band is one polygon per unbroken run of bounds; flagged points are ringed with their label', () => {
    const svg = parseXml(lineChartSvg(options));
    assert.equal(byName(svg, 'polygon').length, 2, 'the missing middle point breaks the band');
    const rings = byName(svg, 'circle').filter((circle) => circle.attributes.class === 'flag');
    assert.equal(rings.length, 2);
    assert.equal(rings[0]!.children[0]!.text, 'dataset drift');
  });

  test('custom x ticks are written with the given format; a top legend moves the plot down', () => {
    const svg = parseXml(lineChartSvg({ ...options, xTick: (value) => `t${value}`, legend: 'top' }));
    assert.ok(texts(svg).includes('t0') && texts(svg).includes('t4'));
    const frame = byName(svg, 'rect').find((rect) => rect.attributes.fill === 'none')!;
    assert.equal(Number(frame.attributes.y), 48);
  });
});

describe('heatmap', { timeout: 60_000 }, () => {
  test('a cell per value, flagged cells marked, missing cells empty, every text escaped', () => {
    const cell = (shade: number, flagged: boolean) => ({ shade, flagged, tip: `${HOSTILE} ${shade}` });
    const xml = heatmapSvg({ title: HOSTILE, rowLabels: [HOSTILE, 'b'], columnLabels: ['w1', 'w2', HOSTILE], cells: [[cell(0.2, false), cell(1, true), null], [cell(0, false), cell(0.5, false), cell(2, true)]] });
    assert.doesNotMatch(xml, /<script/);
    const svg = parseXml(xml);
    const cells = byName(svg, 'rect').filter((rect) => rect.attributes.class?.startsWith('cell'));
    assert.equal(cells.length, 6);
    assert.equal(cells.filter((rect) => rect.attributes.class === 'cell flagged').length, 2);
    assert.equal(cells.filter((rect) => rect.attributes.class === 'cell empty').length, 1);
    assert.equal(cells[1]!.children[0]!.text, `${HOSTILE} 1`);
    assert.ok(texts(svg).filter((text) => text === HOSTILE).length >= 3, 'title, row and column label');
  });
});
