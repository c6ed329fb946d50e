/** The search language shared by tracking and the registry: filters, order_by, page tokens. */
export { parseFilter, type FilterClause, type Identifier } from './filter.js';
export { parseOrderBy, type OrderClause } from './order-by.js';
export { decodePageToken, encodePageToken } from './page-token.js';
export { pageRequest, toPage, type PageRequest } from './paging.js';
export {
  EXPERIMENT_SEARCH,
  MODEL_VERSION_SEARCH,
  REGISTERED_MODEL_SEARCH,
  RUN_SEARCH,
  type Comparator,
  type EntityType,
  type SearchVocabulary,
} from './vocabulary.js';
