/**
 * The training rows in "position order": every per-row array (bins, target, scores, gradients…)
 * is stored in the order the tree has partitioned the rows into, so building a node's histogram
 * or updating its leaf reads memory front to back instead of jumping between rows. Partitions
 * move every array together; the order carries over from tree to tree (any order is as good).
 */

export class TrainingFrame {
  /** Row-major bin indexes, `stride` bytes per position. */
  readonly bins: Uint8Array;
  /** The same bytes as 32-bit words, for moving rows. */
  private readonly binWords: Uint32Array;
  private readonly wordsPerRow: number;
  readonly targets: Float64Array;
  /** Positions × outputs raw scores. */
  readonly scores: Float64Array;
  /** Positions × outputs class probabilities of the current round (multiclass only). */
  readonly probabilities: Float64Array;
  readonly gradients: Float64Array;
  readonly hessians: Float64Array;
  private readonly spill: { words: Uint32Array; targets: Float64Array; scores: Float64Array; probabilities: Float64Array; gradients: Float64Array; hessians: Float64Array };

  constructor(
    bins: Uint8Array,
    readonly stride: number,
    targets: Float64Array,
    readonly width: number,
    readonly outputs: number,
    withProbabilities: boolean,
  ) {
    const rows = targets.length;
    this.bins = bins;
    this.binWords = new Uint32Array(bins.buffer, bins.byteOffset, bins.byteLength / 4);
    this.wordsPerRow = stride / 4;
    this.targets = Float64Array.from(targets);
    this.scores = new Float64Array(rows * outputs);
    this.probabilities = new Float64Array(withProbabilities ? rows * outputs : 0);
    // Shared memory: a helper thread reads gradients and hessians while building histograms.
    this.gradients = new Float64Array(new SharedArrayBuffer(rows * Float64Array.BYTES_PER_ELEMENT));
    this.hessians = new Float64Array(new SharedArrayBuffer(rows * Float64Array.BYTES_PER_ELEMENT));
    this.spill = {
      words: new Uint32Array((rows * stride) / 4),
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
    const { bins, binWords, wordsPerRow, stride, outputs, targets, scores, probabilities, gradients, hessians, spill } = this;
    const withProbabilities = probabilities.length > 0;
    let left = start;
    let spilled = 0;
    for (let position = start; position < end; position++) {
      const from = position * wordsPerRow;
      if (bins[position * stride + feature]! <= bin) {
        if (left !== position) {
          const to = left * wordsPerRow;
          for (let w = 0; w < wordsPerRow; w++) binWords[to + w] = binWords[from + w]!;
          targets[left] = targets[position]!;
          gradients[left] = gradients[position]!;
          hessians[left] = hessians[position]!;
          for (let k = 0; k < outputs; k++) scores[left * outputs + k] = scores[position * outputs + k]!;
          if (withProbabilities) for (let k = 0; k < outputs; k++) probabilities[left * outputs + k] = probabilities[position * outputs + k]!;
        }
        left++;
      } else {
        const to = spilled * wordsPerRow;
        for (let w = 0; w < wordsPerRow; w++) spill.words[to + w] = binWords[from + w]!;
        spill.targets[spilled] = targets[position]!;
        spill.gradients[spilled] = gradients[position]!;
        spill.hessians[spilled] = hessians[position]!;
        for (let k = 0; k < outputs; k++) spill.scores[spilled * outputs + k] = scores[position * outputs + k]!;
        if (withProbabilities) for (let k = 0; k < outputs; k++) spill.probabilities[spilled * outputs + k] = probabilities[position * outputs + k]!;
        spilled++;
      }
    }
    // The right part follows, in its original order.
    binWords.set(spill.words.subarray(0, spilled * wordsPerRow), left * wordsPerRow);
    targets.set(spill.targets.subarray(0, spilled), left);
    scores.set(spill.scores.subarray(0, spilled * outputs), left * outputs);
    if (withProbabilities) probabilities.set(spill.probabilities.subarray(0, spilled * outputs), left * outputs);
    gradients.set(spill.gradients.subarray(0, spilled), left);
    hessians.set(spill.hessians.subarray(0, spilled), left);
    return left;
  }

  /**
   * For a split whose children are leaves: adds each leaf's value to the scores of its rows
   * without moving any row (the next tree starts from whatever order the rows are in).
   */
  addSplitLeaves(start: number, end: number, feature: number, bin: number, output: number, leftValue: number, rightValue: number): { left: number; right: number } {
    const { bins, stride, scores, outputs } = this;
    let leftCount = 0;
    for (let position = start; position < end; position++) {
      if (bins[position * stride + feature]! <= bin) {
        scores[position * outputs + output]! += leftValue;
        leftCount++;
      } else {
        scores[position * outputs + output]! += rightValue;
      }
    }
    return { left: leftCount, right: end - start - leftCount };
  }
}
