/**
 * The arena holds a pass's decoded rows column by column; rows scanned a request at a time wait in
 * a block before they go into the columns, which must never show in what the columns read.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CELL_MISSING, CELL_NUMBER, RowArena } from './row-arena.js';
import { columnsBetween, sharedColumns } from './shared-columns.js';
import { rowsOfArena } from './window-rows.js';

const FEATURES = ['a', 'b', 'c'];
const CLASSES = ['0', '1'];

/** Pushes requests of `sizes` rows; cell (row r, feature f) is r * 10 + f, every seventh missing. */
function filled(arena: RowArena, sizes: readonly number[]): number {
  let row = 0;
  for (const [request, size] of sizes.entries()) {
    const values = new Float64Array(size * FEATURES.length);
    const tags = new Uint8Array(size * FEATURES.length);
    for (let k = 0; k < size; k++) {
      for (let f = 0; f < FEATURES.length; f++) {
        const missing = (row + k + f) % 7 === 0;
        values[k * FEATURES.length + f] = missing ? Number.NaN : (row + k) * 10 + f;
        tags[k * FEATURES.length + f] = missing ? CELL_MISSING : CELL_NUMBER;
      }
    }
    const probabilities = new Float64Array(size * 2).fill(0.5);
    assert.equal(arena.pushScanned(`r${request}`, size, values, tags, probabilities), row);
    row += size;
  }
  return row;
}

describe('the row arena', () => {
  test('rows pushed a request at a time read back column by column, across blocks and past the expected size', () => {
    const arena = new RowArena(FEATURES, CLASSES);
    arena.expect(100);
    // Small requests, one larger than a block (512 rows), then small ones again.
    const rows = filled(arena, [...Array.from({ length: 300 }, () => 3), 700, ...Array.from({ length: 50 }, () => 1)]);
    assert.equal(arena.length, rows);
    for (let f = 0; f < FEATURES.length; f++) {
      const { values, tags } = arena.column(f);
      for (let row = 0; row < rows; row++) {
        const missing = (row + f) % 7 === 0;
        assert.equal(tags[row], missing ? CELL_MISSING : CELL_NUMBER, `tag of row ${row}, feature ${f}`);
        if (!missing) assert.equal(values[row], row * 10 + f, `value of row ${row}, feature ${f}`);
      }
    }
    assert.equal(arena.requestId(900), 'r300');
    assert.deepEqual(arena.prediction(5), { '0': 0.5, '1': 0.5 });
  });

  test('two arenas over one set of shared columns: the second one\'s rows are moved into place, or copied when either outgrew its room', () => {
    for (const [mine, theirs, inPlace] of [[60, 70, true], [150, 70, false], [60, 130, false]] as const) {
      const shared = sharedColumns(FEATURES.length, 200);
      const first = new RowArena(FEATURES, CLASSES, columnsBetween(shared, 0, 100));
      const second = new RowArena(FEATURES, CLASSES, columnsBetween(shared, 100, 200));
      first.expect(1_000);
      filled(first, Array.from({ length: mine / 2 }, () => 2));
      filled(second, Array.from({ length: theirs / 2 }, () => 2));
      const exported = second.exportRows();
      assert.equal(exported.inPlace?.at, theirs <= 100 ? 100 : undefined);
      first.appendRows(exported, Array.from({ length: theirs }, (_, row) => `second-${row}`));
      assert.equal(first.length, mine + theirs);
      assert.equal(first.column(0).values.buffer === shared.values[0]!.buffer, inPlace, `rows ${mine} + ${theirs}: in place`);
      for (let f = 0; f < FEATURES.length; f++) {
        const { values, tags } = first.column(f);
        for (let row = 0; row < mine + theirs; row++) {
          const own = row < mine ? row : row - mine;
          const missing = (own + f) % 7 === 0;
          assert.equal(tags[row], missing ? CELL_MISSING : CELL_NUMBER, `rows ${mine} + ${theirs}: tag of row ${row}, feature ${f}`);
          if (!missing) assert.equal(values[row], own * 10 + f, `rows ${mine} + ${theirs}: value of row ${row}, feature ${f}`);
        }
      }
      assert.equal(first.requestId(mine), 'second-0');
    }
  });

  test('rows over another set of shared columns are copied, not moved, even at the place they would have been', () => {
    const mine = sharedColumns(FEATURES.length, 200);
    const other = sharedColumns(FEATURES.length, 200);
    const first = new RowArena(FEATURES, CLASSES, columnsBetween(mine, 0, 100));
    const second = new RowArena(FEATURES, CLASSES, columnsBetween(other, 100, 200));
    filled(first, [2, 2]);
    filled(second, [3]);
    first.appendRows(second.exportRows(), ['x', 'x', 'x']);
    assert.deepEqual(Array.from(first.column(1).values.subarray(0, 7)), [1, 11, 21, 31, 1, 11, 21]);
    assert.notEqual(first.column(1).values.buffer, other.values[1]!.buffer, 'the columns are still this arena\'s own');
  });

  test('rows pushed as objects between scanned ones keep their places', () => {
    const arena = new RowArena(FEATURES, CLASSES);
    filled(arena, [2, 2]);
    arena.push([{ requestId: 'object', index: 0, time: 0, version: '1', features: { a: 'text', b: 7, c: null }, prediction: { '0': 0.1, '1': 0.9 } }]);
    arena.pushScanned('after', 1, new Float64Array([100, 101, 102]), new Uint8Array(3), new Float64Array([0.5, 0.5]));
    assert.deepEqual(Array.from(arena.column(1).values.subarray(0, 6)), [1, 11, 21, 31, 7, 101]);
    assert.equal(arena.column(0).tags[4], 2);
    assert.equal(arena.otherCell(4, 0), 'text');
    assert.equal(arena.requestId(5), 'after');
  });

  test('a window reads each row\'s class probabilities as the answer it holds gives them, a number or no answer giving none', () => {
    const arena = new RowArena(FEATURES, CLASSES);
    arena.pushScanned('scanned', 1, new Float64Array([1, 2, 3]), new Uint8Array(3), new Float64Array([0.25, 0.75]));
    arena.push([
      { requestId: 'number', index: 0, time: 0, version: '1', features: {}, prediction: 4.5 },
      { requestId: 'none', index: 1, time: 0, version: '1', features: {}, prediction: undefined },
      { requestId: 'object', index: 2, time: 0, version: '1', features: {}, prediction: { '1': 0.4, other: 0.6 } },
    ]);
    const rows = rowsOfArena(arena, Uint32Array.from([0, 1, 2, 3]));
    const read = (row: number, classes: readonly string[]) => {
      const into: number[] = [];
      return { pushed: rows.pushProbabilities(row, classes, into), into };
    };
    assert.deepEqual(read(0, ['1', '0', 'unknown']), { pushed: true, into: [0.75, 0.25, Number.NaN] });
    assert.deepEqual(read(1, CLASSES), { pushed: false, into: [] });
    assert.deepEqual(read(2, CLASSES), { pushed: false, into: [] });
    // An answer by other names than the signature's classes is read by name, as its object holds it.
    assert.deepEqual(read(3, ['0', '1', 'other']), { pushed: true, into: [Number.NaN, 0.4, 0.6] });
  });

  test('a column handed over is the caller’s: the arena does not give it out again', () => {
    const arena = new RowArena(FEATURES, CLASSES);
    const rows = filled(arena, [4, 4]);
    const taken = arena.takeColumn(1);
    assert.equal(taken.values.length, rows);
    assert.equal(taken.values[3], 31);
    assert.throws(() => arena.column(1), /handed over/);
    assert.equal(arena.column(0).values[3], 30);
  });

  test('a window of every row in arena order takes the columns; a later empty window reads none; any other order is copied in window order', () => {
    const arena = new RowArena(FEATURES, CLASSES);
    filled(arena, [3]);
    const empty = rowsOfArena(arena, new Uint32Array(0));
    const whole = rowsOfArena(arena, Uint32Array.from([0, 1, 2]));
    assert.deepEqual(Array.from(whole.feature('b').values), [1, 11, 21]);
    assert.equal(empty.feature('b').values.length, 0);

    const other = new RowArena(FEATURES, CLASSES);
    filled(other, [3]);
    const reordered = rowsOfArena(other, Uint32Array.from([2, 0, 1]));
    assert.deepEqual(Array.from(reordered.feature('b').values), [21, 1, 11]);
    assert.deepEqual(Array.from(other.column(1).values.subarray(0, 3)), [1, 11, 21], 'the arena keeps its column');
  });
});
