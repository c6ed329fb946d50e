/**
 * Group fairness of binary decisions, with Fairlearn's definitions: selection rate per group,
 * demographic parity difference (max − min selection rate) and ratio (min / max), true-positive-rate
 * difference, and equalized odds difference (the larger of the TPR and FPR differences).
 * A demographic parity ratio under 0.8 breaks the "four-fifths rule" and is flagged.
 */
import { cellText, type Column } from '../data/index.js';

export interface GroupFairness {
  readonly count: number;
  readonly selection_rate: number;
  readonly true_positive_rate: number;
  readonly false_positive_rate: number;
}

export interface FairnessReport {
  readonly groups: Record<string, GroupFairness>;
  readonly demographic_parity_difference: number;
  readonly demographic_parity_ratio: number;
  readonly true_positive_rate_difference: number;
  readonly equalized_odds_difference: number;
  readonly four_fifths_rule_violated: boolean;
}

export const FAIRNESS_METRICS = ['demographic_parity_difference', 'demographic_parity_ratio', 'true_positive_rate_difference', 'equalized_odds_difference'] as const;

const MISSING_GROUP = '(missing)';

/** `truth` and `decisions` are 1 for the positive class, 0 otherwise. */
export function fairnessReport(sensitive: Column, truth: ArrayLike<number>, decisions: ArrayLike<number>): FairnessReport {
  const tallies = new Map<string, { count: number; selected: number; positives: number; truePositives: number; negatives: number; falsePositives: number }>();
  for (let row = 0; row < truth.length; row++) {
    const group = cellText(sensitive, row) ?? MISSING_GROUP;
    const tally = tallies.get(group) ?? { count: 0, selected: 0, positives: 0, truePositives: 0, negatives: 0, falsePositives: 0 };
    tally.count++;
    tally.selected += decisions[row]!;
    if (truth[row]) {
      tally.positives++;
      tally.truePositives += decisions[row]!;
    } else {
      tally.negatives++;
      tally.falsePositives += decisions[row]!;
    }
    tallies.set(group, tally);
  }
  const groups: Record<string, GroupFairness> = {};
  for (const [group, tally] of [...tallies].sort(([a], [b]) => (a < b ? -1 : 1))) {
    groups[group] = {
      count: tally.count,
      selection_rate: tally.selected / tally.count,
      true_positive_rate: tally.positives === 0 ? Number.NaN : tally.truePositives / tally.positives,
      false_positive_rate: tally.negatives === 0 ? Number.NaN : tally.falsePositives / tally.negatives,
    };
  }
  const spread = (values: number[]) => {
    const finite = values.filter(Number.isFinite);
    return finite.length === 0 ? Number.NaN : Math.max(...finite) - Math.min(...finite);
  };
  const rates = Object.values(groups);
  const selection = rates.map((group) => group.selection_rate);
  const maxSelection = Math.max(...selection);
  const demographicParityRatio = maxSelection === 0 ? 1 : Math.min(...selection) / maxSelection;
  const tprDifference = spread(rates.map((group) => group.true_positive_rate));
  return {
    groups,
    demographic_parity_difference: spread(selection),
    demographic_parity_ratio: demographicParityRatio,
    true_positive_rate_difference: tprDifference,
    equalized_odds_difference: Math.max(tprDifference, spread(rates.map((group) => group.false_positive_rate))),
    four_fifths_rule_violated: demographicParityRatio < 0.8,
  };
}
