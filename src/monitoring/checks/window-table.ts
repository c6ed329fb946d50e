/**
 * A window's rows as a table the data module's statistics take: one column per feature, typed as
 * the reference's column is (numbers as a Float64Array with NaN for missing or non-numeric cells,
 * text as strings with null for missing), so both sides of a comparison have the same kinds.
 */
import type { Column, Table } from '../../data/index.js';
import type { LoggedRow } from '../log/logged-rows.js';
import { asWindowRows, CELL_MISSING, CELL_NUMBER, type FeatureCells, type WindowRows } from '../log/window-rows.js';

/** Cells of the window that were present but of the wrong kind for their column (text in a numeric column). */
export interface WindowTable extends Table {
  readonly wrongType: Readonly<Record<string, number>>;
  readonly missing: Readonly<Record<string, number>>;
}

/** A present cell that is not a number, as a number (NaN: of the wrong type). */
function numberOf(value: unknown): number {
  return typeof value === 'string' && value.trim() !== '' ? Number(value) : typeof value === 'boolean' ? Number(value) : Number.NaN;
}

function hasText(cells: FeatureCells): boolean {
  for (let k = 0; k < cells.tags.length; k++) if (cells.tags[k] !== CELL_NUMBER && cells.tags[k] !== CELL_MISSING && typeof cells.other(k) === 'string') return true;
  return false;
}

/** The rows' features as columns shaped like `reference`'s (features the reference lacks are typed by their first value). */
export function windowTable(rows: WindowRows | readonly (Pick<LoggedRow, 'features'> & Partial<LoggedRow>)[], features: readonly string[], reference: Table, source: string): WindowTable {
  const view = asWindowRows(rows);
  const wrongType: Record<string, number> = {};
  const missing: Record<string, number> = {};
  const columns = features.map((name): Column => {
    const cells = view.feature(name);
    const kind = reference.columns.find((column) => column.name === name)?.kind ?? (hasText(cells) ? 'string' : 'number');
    let missed = 0;
    let wrong = 0;
    if (kind === 'number') {
      // The cells' numbers are the column (NaN where missing); only the other cells are converted.
      const values = cells.values;
      const tags = cells.tags;
      // Most cells are numbers (tag 0): skipped four at a time where the tags are aligned for it.
      const words = tags.byteOffset % 4 === 0 ? new Uint32Array(tags.buffer, tags.byteOffset, tags.length >>> 2) : undefined;
      for (let k = 0; k < values.length; k++) {
        if (words !== undefined && (k & 3) === 0 && words[k >>> 2] === 0 && k + 4 <= values.length) {
          k += 3;
          continue;
        }
        const tag = tags[k];
        if (tag === CELL_NUMBER) continue;
        const other = tag === CELL_MISSING ? undefined : cells.other(k);
        if (tag === CELL_MISSING || other === '') {
          missed++;
          values[k] = Number.NaN;
          continue;
        }
        const number = numberOf(other);
        if (Number.isNaN(number)) wrong++;
        values[k] = number;
      }
      missing[name] = missed;
      wrongType[name] = wrong;
      return { name, kind: 'number', values };
    }
    const values = Array.from(cells.tags, (tag, k): string | null => {
      if (tag === CELL_NUMBER) return String(cells.values[k]);
      const other = tag === CELL_MISSING ? undefined : cells.other(k);
      if (tag === CELL_MISSING || other === '') {
        missed++;
        return null;
      }
      return String(other);
    });
    missing[name] = missed;
    wrongType[name] = 0;
    return { name, kind: 'string', values };
  });
  return { source, rowCount: view.length, columns, wrongType, missing };
}
