import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { binOf, chooseEdges } from './binning.js';
import { TreeKernels } from './tree-kernels.js';

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
    const kernels = new TreeKernels(rows, width, 1, 3 * edges.reduce((total, featureEdges) => total + featureEdges.length + 1, 0), 1);
    let bins: Uint8Array;
    try {
      kernels.bin(features, edges);
      bins = kernels.views.bins.slice();
    } finally {
      kernels.close();
    }
    for (let f = 0; f < width; f++) {
      for (let row = 0; row < rows; row++) {
        assert.equal(bins[f * rows + row], binOf(edges[f]!, features[row * width + f]!), `feature ${f}, row ${row}`);
      }
    }
    assert.equal(edges[2]!.length, 0, "a constant feature has a single bin");
  });
});
