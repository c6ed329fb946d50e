/**
 * The training rows in "position order": every per-row array (bins, target, scores, gradients…)
 * is stored in the order the tree has partitioned the rows into, so building a node's histogram
 * or updating its leaf reads memory front to back instead of jumping between rows. Partitions
 * move every array together; the order carries over from tree to tree (any order is as good).
 */

export class TrainingFrame {
  /** Row-major positions × features bin indexes. */
  readonly bins: Uint8Array;
  readonly targets: Float64Array;
  /** Positions × outputs raw scores. */
  readonly scores: Float64Array;
  /** Positions × outputs class probabilities of the current round (multiclass only). */
  readonly probabilities: Float64Array;
  readonly gradients: Float64Array;
  readonly hessians: Float64Array;
  private readonly spill: { bins: Uint8Array; targets: Float64Array; scores: Float64Array; probabilities: Float64Array; gradients: Float64Array; hessians: Float64Array };

  constructor(
    bins: Uint8Array,
    targets: Float64Array,
    readonly width: number,
    readonly outputs: number,
    withProbabilities: boolean,
  ) {
    const rows = targets.length;
    this.bins = bins;
    this.targets = Float64Array.from(targets);
    this.scores = new Float64Array(rows * outputs);
    this.probabilities = new Float64Array(withProbabilities ? rows * outputs : 0);
    this.gradients = new Float64Array(rows);
    this.hessians = new Float64Array(rows);
    this.spill = {
      bins: new Uint8Array(rows * width),
      targets: new Float64Array(rows),
      scores: new Float64Array(rows * outputs),
      probabilities: new Float64Array(withProbabilities ? rows * outputs : 0),
      gradients: new Float64Array(rows),
      hessians: new Float64Array(rows),
    };
  }

  get rowCount(): number {
    return this.targets.length;
  }

  /**
   * Stable partition of positions [start, end): those whose `feature` bin is ≤ `bin` first.
   * Returns the first position of the right part. Loops are written out per array: this runs
   * once per row per tree level and is the trainer's hottest code.
   */
  partition(start: number, end: number, feature: number, bin: number): number {
    const { bins, width, outputs, targets, scores, probabilities, gradients, hessians, spill } = this;
    const withProbabilities = probabilities.length > 0;
    let left = start;
    let spilled = 0;
    for (let position = start; position < end; position++) {
      const from = position * width;
      if (bins[from + feature]! <= bin) {
        if (left !== position) {
          const to = left * width;
          for (let f = 0; f < width; f++) bins[to + f] = bins[from + f]!;
          targets[left] = targets[position]!;
          gradients[left] = gradients[position]!;
          hessians[left] = hessians[position]!;
          for (let k = 0; k < outputs; k++) scores[left * outputs + k] = scores[position * outputs + k]!;
          if (withProbabilities) for (let k = 0; k < outputs; k++) probabilities[left * outputs + k] = probabilities[position * outputs + k]!;
        }
        left++;
      } else {
        const to = spilled * width;
        for (let f = 0; f < width; f++) spill.bins[to + f] = bins[from + f]!;
        spill.targets[spilled] = targets[position]!;
        spill.gradients[spilled] = gradients[position]!;
        spill.hessians[spilled] = hessians[position]!;
        for (let k = 0; k < outputs; k++) spill.scores[spilled * outputs + k] = scores[position * outputs + k]!;
        if (withProbabilities) for (let k = 0; k < outputs; k++) spill.probabilities[spilled * outputs + k] = probabilities[position * outputs + k]!;
        spilled++;
      }
    }
    // The right part follows, in its original order.
    bins.set(spill.bins.subarray(0, spilled * width), left * width);
    targets.set(spill.targets.subarray(0, spilled), left);
    scores.set(spill.scores.subarray(0, spilled * outputs), left * outputs);
    if (withProbabilities) probabilities.set(spill.probabilities.subarray(0, spilled * outputs), left * outputs);
    gradients.set(spill.gradients.subarray(0, spilled), left);
    hessians.set(spill.hessians.subarray(0, spilled), left);
    return left;
  }
}
