import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { binColumns, binOf, chooseEdges } from './binning.js';

describe('GBDT binning', () => {
  test('every value gets the number of its feature edges below it, for even, skewed, constant and missing values', () => {
    const rows = 50_000;
    const width = 4;
    const features = new Float64Array(rows * width);
    let state = 7;
    const random = () => (state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0) / 4_294_967_296;
    for (let row = 0; row < rows; row++) {
      features[row * width] = random() * 2 - 1;
      features[row * width + 1] = Math.exp(12 * random());
      features[row * width + 2] = 3;
      features[row * width + 3] = row % 50 === 0 ? Number.NaN : Math.round(random() * 10);
    }
    const edges = chooseEdges(features, width, 255, 0);
    const bins = new Uint8Array(rows * width);
    binColumns(features, width, edges, bins);
    for (let f = 0; f < width; f++) {
      for (let row = 0; row < rows; row++) {
        assert.equal(bins[f * rows + row], binOf(edges[f]!, features[row * width + f]!), `feature ${f}, row ${row}`);
      }
    }
    assert.equal(edges[2]!.length, 0, "a constant feature has a single bin");
  });
});
