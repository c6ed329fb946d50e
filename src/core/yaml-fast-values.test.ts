import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseDocument } from 'yaml';
import { fastYamlValues } from './yaml-fast-values.js';

/** What `yaml` reads, as parseLocatedYaml reads it without the fast path; undefined when it refuses the text. */
function slowValue(text: string): { value: unknown } | undefined {
  const document = parseDocument(text, { uniqueKeys: true });
  return document.errors.length > 0 ? undefined : { value: document.toJS({ maxAliasCount: 1000 }) as unknown };
}

const SCALARS = [
  '0b1010', '0o17', '017', '0x1F', '0x_1F', '1_000', '+12', '-0', '.5', '5.', '1e3', '1E-3', '+.inf', '-.Inf', '.NaN', '.nan', 'NaN', 'inf',
  'True', 'TRUE', 'true', 'tRUE', 'yes', 'no', 'on', 'off', 'y', 'n', '~', 'null', 'Null', 'NULL', 'nULL', '', '2024-01-01', '2024-01-01T10:00:00Z',
  '12:30', '1:20:30', '0.1.2', '1.0', '-1.5e+10', '9007199254740993', '123456789012345678901234567890', '0x', '0o', '+0x1', '-0o7', '-0x1',
  '0.', '.', '-.', '+', '"a"', "'a'", '#c', 'a #c', '{a: 1}', '[1, 2]', '"\\u00e9"', '"a\\tb"', "'it''s'", 'https://x.y/z?a=b', 'C:\\path',
  '0e0', '0x0', '1,000', '00', '-00', '0.0', '+1.0', '12e', '.1e1', 'python train.py --lr 0.1 && echo done > out.txt', 'a && b || c', 'ls *.csv',
];

const DOCUMENTS = [
  '1: a\n', 'true: a\n', 'null: a\n', '~: a\n', '"null": a\n', '"": a\n', '1.5: a\n', '0x10: a\n', '[a, b]: c\n', '? [a, b]\n: c\n', '{a: 1}: c\n',
  'a: [1, {b: 2}]\n', 'a:\n  - 1\n  -\n  - 3\n', 'a: |\n  x\n\n  y\n', 'a: >-\n  x\n  y\n\n', 'a: |+\n  x\n\n', 'a: "multi\n  line"\n',
  "a: 'multi\n\n  line'\n", 'a: plain\n  continued\n', '', '# only a comment\n', '---\na: 1\n', '---\na: 1\n...\n', '---\n', 'a: 1\n---\nb: 2\n',
  '- a\n- b\n', 'a\n', '"x"\n', 'a: 1\na: 2\n', 'a: 1\n"a": 2\n', '1: a\n"1": b\n', 'a: &x 1\nb: *x\n', '<<: {a: 1}\n', 'a: {<<: {b: 1}, c: 2}\n',
  'a:\tb\n', 'a: b\t# c\n', '%YAML 1.2\n---\na: 1\n', '%YAML 1.1\n---\na: yes\n', 'a: !foo x\n', 'a: !!str 1\n', 'a: !!float 1\n', 'a: b: c\n',
  'a:\n- 1\n', 'a:\n   b: 1\n  c: 2\n', '\ufeffa: 1\n', 'a: "\\ud83d\\ude00"\n', 'a: [a\n  , b]\n', 'a: [1,2,]\n', 'a:\n  "b c": 1\n  ? d\n  : 2\n',
  'a:\n', 'a: ~\nb:\nc: null\n', 'a: {x: , y: 1}\n',
];

describe('fast YAML values', () => {
  test('equal what yaml reads, for every scalar and document of the corpus it accepts', () => {
    const texts = [...SCALARS.map((scalar) => `k: ${scalar}\n`), ...SCALARS.map((scalar) => `- ${scalar}\n`), ...DOCUMENTS];
    for (const text of texts) {
      const fast = fastYamlValues(text);
      if (!fast) continue;
      const slow = slowValue(text);
      assert.ok(slow, `js-yaml accepted ${JSON.stringify(text)}, which yaml refuses`);
      assert.deepStrictEqual(fast.value, slow.value, `read differently: ${JSON.stringify(text)}`);
    }
  });

  test('read the files Sluice reads most, so the fast path is actually taken', () => {
    const pipeline = 'stages:\n  train:\n    cmd: python train.py --out model.onnx && echo ok\n    deps: [data/train.csv, train.py]\n    params: [train.C]\n    outs:\n      - model.onnx\n    metrics:\n      - metrics.json: {cache: false}\n';
    const lock = 'schema: "1.0"\nstages:\n  train:\n    cmd: python train.py\n    deps:\n      - path: data/train.csv\n        hash: md5:0123456789abcdef0123456789abcdef\n        size: 1024\n';
    const params = 'train:\n  C: 1.0\n  max_iter: 500\n  penalty: l2\n  seed: 0x2A\n  layers: [64, 32]\n';
    for (const text of [pipeline, lock, params]) {
      const fast = fastYamlValues(text);
      assert.ok(fast, `not read fast: ${text}`);
      assert.deepStrictEqual(fast.value, slowValue(text)?.value);
    }
  });

  test('leave to yaml what only it reads the same way: directives, anchors, tags, null and collection keys', () => {
    for (const text of ['%YAML 1.1\n---\na: yes\n', 'a: &x 1\nb: *x\n', 'a: !!str 1\n', 'null: a\n', '[a, b]: c\n', 'a: 1\na: 2\n']) {
      assert.equal(fastYamlValues(text), undefined, JSON.stringify(text));
    }
  });
});
