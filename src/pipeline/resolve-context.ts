/** What resolving a stage needs from its pipeline; its own file so that `uses:` stages and the resolver share it without importing each other. */
import type { LocatedDocument } from '../core/index.js';
import type { InterpolationScope } from './interpolate.js';
import type { ParamsReader } from './params.js';

export interface ResolveContext {
  readonly document: LocatedDocument;
  readonly params: ParamsReader;
  /** The default params file, root-relative. */
  readonly paramsFile: string;
  readonly scope: InterpolationScope;
}
