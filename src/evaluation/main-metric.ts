/** The one metric that summarises a task, for robustness and feature importance. */
import type { Task } from './task.js';

export function mainMetric(task: Task): { name: string; greaterIsBetter: boolean } {
  switch (task) {
    case 'binary':
      return { name: 'roc_auc', greaterIsBetter: true };
    case 'multiclass':
      return { name: 'accuracy', greaterIsBetter: true };
    case 'regression':
      return { name: 'rmse', greaterIsBetter: false };
  }
}
