/** Which analysis of a strategy an analysis run measures, by the run's name. */
import type { AnalysisSpec } from '../config/analysis-schema.js';
import type { Strategy } from '../config/strategy-schema.js';
import { POST_PROMOTION_RUN, PRE_PROMOTION_RUN } from './blue-green.js';
import { BACKGROUND_RUN } from './canary.js';
import { EXPERIMENT_RUN } from './experiment.js';

/** The analysis the run `name` was started for, or undefined if the strategy has none of that name. */
export function analysisSpecFor(strategy: Strategy, name: string): AnalysisSpec | undefined {
  switch (strategy.kind) {
    case 'canary': {
      if (name === BACKGROUND_RUN) return strategy.analysis;
      const match = /^step-(\d+)$/.exec(name);
      const step = match ? strategy.steps[Number(match[1])] : undefined;
      return step && 'analysis' in step ? step.analysis : undefined;
    }
    case 'bluegreen':
      if (name === PRE_PROMOTION_RUN) return strategy.prePromotionAnalysis;
      return name === POST_PROMOTION_RUN ? strategy.postPromotionAnalysis : undefined;
    case 'shadow':
    case 'ab':
      return name === EXPERIMENT_RUN ? strategy.analysis : undefined;
    case 'direct':
      return undefined;
  }
}
