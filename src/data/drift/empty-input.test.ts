/** A file with a header and no rows has no distribution: comparing it is refused, not reported as drift. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sharedFixture } from '../../../test/support/fixtures.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { detectDrift } from './detect-drift.js';

const REFERENCE = sharedFixture('breast_cancer', 'train.csv');

describe('drift against a file with no rows', { timeout: 60_000 }, () => {
  it('refuses a current file with only its header, naming it', async () => {
    const dir = makeTempDir();
    try {
      const empty = join(dir.path, 'current.csv');
      writeFileSync(empty, readFileSync(REFERENCE, 'utf8').split('\n')[0] + '\n');
      await assert.rejects(detectDrift(REFERENCE, empty, { exclude: ['target'] }), (error: Error & { code?: string }) => error.code === 'SLUICE_DATA_NO_ROWS_TO_COMPARE' && error.message.includes(`current file ${empty} has no rows`));
    } finally {
      dir.remove();
    }
  });
});
