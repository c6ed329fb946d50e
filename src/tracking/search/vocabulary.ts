/**
 * What each search may name: entity prefixes, attributes and their types, and comparators.
 * MLflow's four searches (runs, experiments, registered models, model versions) share one
 * grammar but differ here; the values are MLflow's (`mlflow/utils/search_utils.py`).
 */

export type EntityType = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset';

export const NUMERIC_COMPARATORS = ['=', '!=', '>', '>=', '<', '<='] as const;
export const STRING_COMPARATORS = ['=', '!=', 'LIKE', 'ILIKE'] as const;
export const LIST_COMPARATORS = ['IN', 'NOT IN'] as const;

export type NumericComparator = (typeof NUMERIC_COMPARATORS)[number];
export type StringComparator = (typeof STRING_COMPARATORS)[number];
export type ListComparator = (typeof LIST_COMPARATORS)[number];
export type Comparator = NumericComparator | StringComparator | ListComparator;

export interface SearchVocabulary {
  /** What the search is called in messages. */
  readonly name: string;
  /** Accepted prefixes (exact, lowercase) and the entity each names. A bare key is an attribute. */
  readonly prefixes: Readonly<Record<string, EntityType>>;
  /** Attributes compared as numbers. */
  readonly numericAttributes: readonly string[];
  /** Attributes compared as strings. */
  readonly stringAttributes: readonly string[];
  /** String attributes that also take `IN (...)` lists, and whether `NOT IN` is allowed. */
  readonly listAttributes: readonly string[];
  readonly allowsNotIn: boolean;
  /** Other spellings of attributes (`created` → `start_time`). */
  readonly attributeAliases: Readonly<Record<string, string>>;
  /** Dataset keys (runs only). */
  readonly datasetKeys: readonly string[];
  /** Attributes that order_by accepts (after aliasing). */
  readonly orderableAttributes: readonly string[];
  /** Entities order_by accepts besides attributes. */
  readonly orderableEntities: readonly EntityType[];
}

export const RUN_SEARCH: SearchVocabulary = {
  name: 'runs',
  prefixes: {
    metric: 'metric',
    metrics: 'metric',
    param: 'param',
    params: 'param',
    parameter: 'param',
    parameters: 'param',
    tag: 'tag',
    tags: 'tag',
    attribute: 'attribute',
    attributes: 'attribute',
    attr: 'attribute',
    run: 'attribute',
    dataset: 'dataset',
    datasets: 'dataset',
  },
  numericAttributes: ['start_time', 'end_time'],
  stringAttributes: ['run_id', 'run_name', 'status', 'user_id', 'artifact_uri'],
  listAttributes: ['run_id'],
  allowsNotIn: true,
  attributeAliases: { created: 'start_time', Created: 'start_time', 'run name': 'run_name', 'Run name': 'run_name', 'Run Name': 'run_name' },
  datasetKeys: ['name', 'digest', 'context'],
  orderableAttributes: ['start_time', 'end_time', 'run_id', 'run_name', 'status', 'user_id', 'artifact_uri'],
  orderableEntities: ['metric', 'param', 'tag'],
};

export const EXPERIMENT_SEARCH: SearchVocabulary = {
  name: 'experiments',
  prefixes: { attribute: 'attribute', attributes: 'attribute', tag: 'tag', tags: 'tag' },
  numericAttributes: ['creation_time', 'last_update_time'],
  stringAttributes: ['name'],
  listAttributes: [],
  allowsNotIn: false,
  attributeAliases: {},
  datasetKeys: [],
  orderableAttributes: ['name', 'experiment_id', 'creation_time', 'last_update_time'],
  orderableEntities: [],
};

export const REGISTERED_MODEL_SEARCH: SearchVocabulary = {
  name: 'registered models',
  prefixes: { attribute: 'attribute', attributes: 'attribute', tag: 'tag', tags: 'tag' },
  numericAttributes: [],
  stringAttributes: ['name'],
  listAttributes: [],
  allowsNotIn: false,
  attributeAliases: { timestamp: 'last_updated_timestamp' },
  datasetKeys: [],
  orderableAttributes: ['name', 'last_updated_timestamp', 'creation_timestamp'],
  orderableEntities: [],
};

export const MODEL_VERSION_SEARCH: SearchVocabulary = {
  name: 'model versions',
  prefixes: { attribute: 'attribute', attributes: 'attribute', tag: 'tag', tags: 'tag' },
  numericAttributes: ['version_number'],
  stringAttributes: ['name', 'run_id', 'source_path'],
  listAttributes: ['run_id'],
  allowsNotIn: false,
  attributeAliases: { timestamp: 'last_updated_timestamp' },
  datasetKeys: [],
  orderableAttributes: ['name', 'version_number', 'creation_timestamp', 'last_updated_timestamp'],
  orderableEntities: [],
};
