export { convertXgboost, type ImportedTask, type ImportedXgboost } from './convert-xgboost.js';
export { importXgboost, isXgboostJson, readXgboostModel, type ImportXgboostOptions } from './import-xgboost.js';
