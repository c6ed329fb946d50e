/** The filter language reads what MLflow reads, and says where a filter is wrong. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodePageToken, encodePageToken, EXPERIMENT_SEARCH, MODEL_VERSION_SEARCH, parseFilter, parseOrderBy, RUN_SEARCH } from './index.js';

function rejects(filter: string, message: RegExp, vocabulary = RUN_SEARCH): void {
  assert.throws(() => parseFilter(filter, vocabulary), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'SLUICE_TRACKING_INVALID_SEARCH');
    assert.match(error.message, message);
    return true;
  });
}

describe('search filters', () => {
  test('metric, param and tag clauses joined by AND in any case', () => {
    assert.deepEqual(parseFilter("metrics.roc_auc > 0.95 and params.algorithm = 'gbdt' AND tags.team = 'risk'", RUN_SEARCH), [
      { type: 'metric', key: 'roc_auc', comparator: '>', value: 0.95 },
      { type: 'param', key: 'algorithm', comparator: '=', value: 'gbdt' },
      { type: 'tag', key: 'team', comparator: '=', value: 'risk' },
    ]);
  });

  test('attributes with or without a prefix, and their aliases', () => {
    assert.deepEqual(parseFilter("attributes.status = 'FINISHED' and status != 'FAILED' and created > 1700000000000", RUN_SEARCH), [
      { type: 'attribute', key: 'status', comparator: '=', value: 'FINISHED' },
      { type: 'attribute', key: 'status', comparator: '!=', value: 'FAILED' },
      { type: 'attribute', key: 'start_time', comparator: '>', value: 1_700_000_000_000 },
    ]);
  });

  test('keys are split at the first dot; quoted keys may hold spaces and dots', () => {
    const clauses = parseFilter('tags.mlflow.user = \'ada\' and metrics.`f1 score` >= 0.5 and tags."mlflow.source.git.commit" LIKE \'ab%\'', RUN_SEARCH);
    assert.deepEqual(clauses.map((clause) => clause.key), ['mlflow.user', 'f1 score', 'mlflow.source.git.commit']);
  });

  test('numbers take a sign and an exponent; strings either quote, with doubled quotes escaped', () => {
    assert.deepEqual(parseFilter('metrics.x =-1 and metrics.y < 1e-3 and params.q = "it" and params.r = \'it\'\'s\'', RUN_SEARCH).map((clause) => clause.value), [-1, 0.001, 'it', "it's"]);
  });

  test('run_id takes IN and NOT IN lists', () => {
    assert.deepEqual(parseFilter("attributes.run_id IN ('a1', 'B2',) and run_id NOT IN ('c3')", RUN_SEARCH), [
      { type: 'attribute', key: 'run_id', comparator: 'IN', value: ['a1', 'B2'] },
      { type: 'attribute', key: 'run_id', comparator: 'NOT IN', value: ['c3'] },
    ]);
  });

  test('dataset clauses name, digest or context', () => {
    assert.deepEqual(parseFilter("datasets.digest IN ('abc') and datasets.context = 'training'", RUN_SEARCH).map((clause) => [clause.type, clause.key]), [
      ['dataset', 'digest'],
      ['dataset', 'context'],
    ]);
  });

  test('an empty filter has no clauses, and stray ANDs are tolerated', () => {
    assert.deepEqual(parseFilter('', RUN_SEARCH), []);
    assert.equal(parseFilter('and metrics.x > 1 and', RUN_SEARCH).length, 1);
  });

  test('OR is refused with the reason', () => rejects("metrics.x > 1 or params.y = 'a'", /only AND joins clauses/));
  test('a metric compared with a string is refused', () => rejects("metrics.x = '1'", /expected a number for metric 'x', found '1'/));
  test('a param compared with a number is refused', () => rejects('params.x = 1', /expected a quoted string value for param 'x'/));
  test('an ordering comparator on a param is refused', () => rejects("params.x > '1'", /invalid comparator '>' for param 'x'/));
  test('an unquoted string value is refused', () => rejects('params.model = cnn', /the value cnn is not quoted; write 'cnn'/));
  test('an unknown prefix is refused, listing the valid ones', () => rejects('metricz.x > 1', /invalid entity type 'metricz'.*'metric', 'param', 'tag'/));
  test('an unknown attribute is refused, listing the valid ones', () => rejects("attributes.lifecycle_stage = 'active'", /invalid attribute key 'lifecycle_stage'.*'run_id'/));
  test('a list for a status is refused', () => rejects("status IN ('FINISHED')", /only 'run_id' supports comparison with a list/));
  test('IS NULL is refused with the reason', () => rejects('params.x IS NULL', /IS NULL is not supported/));
  test('an unclosed quote is refused', () => rejects("params.x = 'abc", /never closed/));
  test('a missing AND names the column', () => rejects('metrics.x > 1 metrics.y > 2', /expected AND between clauses at column 15/));

  test('model versions allow IN on run_id only, without NOT IN', () => {
    assert.equal(parseFilter("run_id IN ('a') and version_number > 2", MODEL_VERSION_SEARCH).length, 2);
    rejects("run_id NOT IN ('a')", /invalid comparator 'NOT IN' for a list; use IN/, MODEL_VERSION_SEARCH);
  });

  test('experiments filter on name, times and tags', () => {
    assert.deepEqual(parseFilter("name LIKE 'bc-%' and tags.team = 'risk' and creation_time > 5", EXPERIMENT_SEARCH).map((clause) => clause.key), ['name', 'team', 'creation_time']);
    rejects('metrics.x > 1', /invalid entity type 'metrics'/, EXPERIMENT_SEARCH);
  });
});

describe('order_by', () => {
  test('keys with directions, ascending by default', () => {
    assert.deepEqual(parseOrderBy(['metrics.roc_auc DESC', 'attributes.start_time', 'params.C asc'], RUN_SEARCH), [
      { type: 'metric', key: 'roc_auc', ascending: false },
      { type: 'attribute', key: 'start_time', ascending: true },
      { type: 'param', key: 'C', ascending: true },
    ]);
  });

  test('a key ordered twice is refused', () => {
    assert.throws(() => parseOrderBy(['start_time', 'created DESC'], RUN_SEARCH), /start_time is ordered by twice/);
  });

  test('two keys in one element are refused', () => {
    assert.throws(() => parseOrderBy(['metrics.a DESC, metrics.b'], RUN_SEARCH), /one key per order_by element/);
  });
});

describe('page tokens', () => {
  test('are MLflow\'s base64 offsets', () => {
    assert.equal(encodePageToken(1000), 'eyJvZmZzZXQiOiAxMDAwfQ==');
    assert.equal(decodePageToken('eyJvZmZzZXQiOiAxMDAwfQ=='), 1000);
    assert.equal(decodePageToken(undefined), 0);
  });

  test('a damaged token is refused', () => {
    assert.throws(() => decodePageToken('abc!'), /Invalid page token.*not base64/);
    assert.throws(() => decodePageToken(Buffer.from('{"offset": 0}').toString('base64')), /no valid offset/);
  });
});
