import { trainGbdt } from '/work/main/dist/src/training/gbdt/gbdt.js';
const rows = 1000000, width = 20;
let s = 1; const rnd = () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
const X = new Float64Array(rows * width); const y = new Float64Array(rows);
for (let i = 0; i < rows; i++) { for (let f = 0; f < width; f++) X[i*width+f] = Math.fround(rnd()*2-1); y[i] = (X[i*width]*X[i*width+1] + 0.3*X[i*width+2] + 0.1*(rnd()-0.5)) > 0 ? 1 : 0; }
const t = performance.now();
const m = trainGbdt(X, width, y, 'binary', 2, { nEstimators: +process.argv[2] || 10, learningRate: 0.1, maxDepth: 6, minSamplesLeaf: 20, l2Regularization: 0, maxBins: 255, seed: 0 });
console.log('trees', m.trees.length, 'seconds', ((performance.now()-t)/1000).toFixed(2));
