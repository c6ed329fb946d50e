import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LinePacker } from './rolling-file.js';

describe('LinePacker', () => {
  it('packs whole lines up to the limit and says where the next write starts', () => {
    const packer = new LinePacker(16);
    const lines = ['{"a":1}\n', '{"b":2}\n', '{"c":3}\n'];
    const first = packer.pack(lines, 0);
    assert.equal(first.bytes.toString(), '{"a":1}\n{"b":2}\n');
    assert.equal(first.end, 2);
    const second = packer.pack(lines, first.end);
    assert.equal(second.bytes.toString(), '{"c":3}\n');
    assert.equal(second.end, 3);
  });

  it('writes a line longer than its buffer on its own, whole', () => {
    const packer = new LinePacker(16);
    const long = `{"inputs":"${'x'.repeat(100)}"}\n`;
    const packed = packer.pack(['{"a":1}\n', long], 1);
    assert.equal(packed.bytes.toString(), long);
    assert.equal(packed.end, 2);
  });

  it('counts multi-byte characters in bytes, never cutting one', () => {
    const lines = ['{"city":"Zürich"}\n', '{"city":"Kraków"}\n', '{"city":"東京"}\n'];
    const packed = new LinePacker(Buffer.byteLength(lines[0]!) + Buffer.byteLength(lines[1]!)).pack(lines, 0);
    assert.equal(packed.bytes.toString('utf8'), lines[0]! + lines[1]!);
    assert.equal(packed.end, 2);
    assert.equal(new LinePacker(64).pack(lines, 2).bytes.toString('utf8'), lines[2]);
  });
});
