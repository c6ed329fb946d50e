/**
 * How a shadow candidate's answers compare with the stable version's on the same requests: the
 * share of rows where both predict the same class (or, for a regressor, values within 1e-6
 * relative), and the mean and largest absolute difference of the prediction values (a
 * classifier's last class probability). Counters only: memory does not grow with traffic.
 */
import type { RowPredictions } from '../../serving/index.js';

function argmax(row: readonly number[]): number {
  let best = -1;
  for (let k = 0; k < row.length; k++) if (!Number.isNaN(row[k]!) && (best < 0 || row[k]! > row[best]!)) best = k;
  return best;
}

export class ShadowComparison {
  count = 0;
  private agreeing = 0;
  private sumDifference = 0;
  private maxDifference = 0;

  add(stable: RowPredictions, shadow: RowPredictions): void {
    const rows = Math.min(stable.rows.length, shadow.rows.length);
    for (let row = 0; row < rows; row++) {
      const a = stable.rows[row]!;
      const b = shadow.rows[row]!;
      let difference: number;
      let agree: boolean;
      if (typeof a === 'number' || typeof b === 'number') {
        const x = Number(a);
        const y = Number(b);
        difference = Math.abs(x - y);
        agree = difference <= 1e-6 * Math.max(1, Math.abs(x));
      } else {
        difference = Math.abs((a[a.length - 1] ?? 0) - (b[b.length - 1] ?? 0));
        agree = argmax(a) === argmax(b);
      }
      this.count++;
      if (agree) this.agreeing++;
      if (Number.isFinite(difference)) {
        this.sumDifference += difference;
        this.maxDifference = Math.max(this.maxDifference, difference);
      }
    }
  }

  summary(): { rows: number; agreement: number | null; meanAbsDifference: number | null; maxAbsDifference: number | null } {
    if (this.count === 0) return { rows: 0, agreement: null, meanAbsDifference: null, maxAbsDifference: null };
    return { rows: this.count, agreement: this.agreeing / this.count, meanAbsDifference: this.sumDifference / this.count, maxAbsDifference: this.maxDifference };
  }
}
