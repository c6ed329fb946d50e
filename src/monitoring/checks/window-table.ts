/**
 * A window's rows as a table the data module's statistics take: one column per feature, typed as
 * the reference's column is (numbers as a Float64Array with NaN for missing or non-numeric cells,
 * text as strings with null for missing), so both sides of a comparison have the same kinds.
 */
import type { Column, Table } from '../../data/index.js';
import type { LoggedRow } from '../log/logged-rows.js';

/** Cells of the window that were present but of the wrong kind for their column (text in a numeric column). */
export interface WindowTable extends Table {
  readonly wrongType: Readonly<Record<string, number>>;
  readonly missing: Readonly<Record<string, number>>;
}

function isMissing(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (typeof value === 'number' && Number.isNaN(value));
}

/** The rows' features as columns shaped like `reference`'s (features the reference lacks are typed by their first value). */
export function windowTable(rows: readonly { readonly features: LoggedRow['features'] }[], features: readonly string[], reference: Table, source: string): WindowTable {
  const wrongType: Record<string, number> = {};
  const missing: Record<string, number> = {};
  const columns = features.map((name): Column => {
    const kind = reference.columns.find((column) => column.name === name)?.kind ?? (rows.some((row) => typeof row.features[name] === 'string') ? 'string' : 'number');
    let missed = 0;
    let wrong = 0;
    if (kind === 'number') {
      const values = new Float64Array(rows.length);
      rows.forEach((row, k) => {
        const value = row.features[name];
        if (isMissing(value)) {
          missed++;
          values[k] = Number.NaN;
          return;
        }
        const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : typeof value === 'boolean' ? Number(value) : Number.NaN;
        if (Number.isNaN(number)) wrong++;
        values[k] = number;
      });
      missing[name] = missed;
      wrongType[name] = wrong;
      return { name, kind: 'number', values };
    }
    const values = rows.map((row) => {
      const value = row.features[name];
      if (isMissing(value)) {
        missed++;
        return null;
      }
      return String(value);
    });
    missing[name] = missed;
    wrongType[name] = 0;
    return { name, kind: 'string', values };
  });
  return { source, rowCount: rows.length, columns, wrongType, missing };
}
