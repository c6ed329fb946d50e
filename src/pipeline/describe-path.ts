/** How places in sluice.yaml read in messages: `stage "train" (with.data)` rather than a key path. */
import type { PathDescriber } from '../core/index.js';

/** Names parts of sluice.yaml the way users think of them. */
export const describeSluicePath: PathDescriber = (path) => {
  if (path.length === 0) return 'the file';
  if (path[0] === 'stages' && path.length >= 2) {
    const rest = path.slice(2).filter((segment) => segment !== 'do');
    const field = rest.length > 0 ? ` (${rest.join('.')})` : '';
    return `stage "${String(path[1])}"${field}`;
  }
  return `"${path.join('.')}"`;
};

