/** Plot data: tables from CSV, TSV, JSON and YAML, and the series drawn from them. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseDelimited, plotCharts } from './plot-data.js';

const seriesOf = (text: string, path: string, drawing?: Parameters<typeof plotCharts>[2]) =>
  plotCharts(text, path, drawing).map((chart) => ({ title: chart.title, xLabel: chart.xLabel, series: chart.series.map((series) => [series.name, series.x, series.y]) }));

describe('plot data', () => {
  test('a CSV with a step column plots every other numeric column against it', () => {
    assert.deepEqual(seriesOf('epoch_name,loss,step,note\na,0.9,10,x\nb,0.4,20,y\n', 'loss.csv'), [
      { title: 'loss.csv', xLabel: 'step', series: [['loss', [10, 20], [0.9, 0.4]]] },
    ]);
  });

  test('a JSON list of objects plots against its first column', () => {
    assert.deepEqual(seriesOf('[{"threshold": 0.1, "precision": 0.5}, {"threshold": 0.9, "precision": 1}]', 'pr.json'), [
      { title: 'pr.json', xLabel: 'threshold', series: [['precision', [0.1, 0.9], [0.5, 1]]] },
    ]);
  });

  test('a mapping of names to lists gives one chart per name, with the declared x and title', () => {
    const text = '{"roc": [{"fpr": 0, "tpr": 0, "threshold": 1}, {"fpr": 1, "tpr": 1, "threshold": 0}], "name": "model"}';
    assert.deepEqual(seriesOf(text, 'roc.json', { x: 'fpr', y: ['tpr'], title: 'ROC' }), [{ title: 'ROC: roc', xLabel: 'fpr', series: [['tpr', [0, 1], [0, 1]]] }]);
  });

  test('a first column that is not numeric gives the row number as x', () => {
    assert.deepEqual(seriesOf('label\tscore\na\t1\nb\t2\n', 'scores.tsv')[0]!.xLabel, 'row');
  });

  test('quoted CSV fields keep commas, quotes and line breaks', () => {
    assert.deepEqual(parseDelimited('a,"b, ""c""\nd"\r\n1,2\n', ','), [['a', 'b, "c"\nd'], ['1', '2']]);
  });

  test('a declared column the data lacks is an error naming the columns', () => {
    assert.throws(() => plotCharts('step,loss\n0,1\n', 'loss.csv', { x: undefined, y: ['acc'], title: undefined }), /no y column "acc" \(columns: step, loss\)/);
  });
});
