/**
 * The ordered list of schema migrations. Append only: a released migration is never edited or
 * renamed, and names sort in the order they must run.
 */
import type { Migration } from 'kysely';
import * as pipelineRunsAndCaches from './0001-pipeline-runs-and-caches.js';
import * as directoryCache from './0002-directory-cache.js';
import * as tracking from './0003-tracking.js';
import * as registryAuditTokens from './0004-registry-audit-tokens.js';
import * as deployRollouts from './0005-deploy-rollouts.js';
import * as monitoring from './0006-monitoring.js';
import * as monitorRescoring from './0007-monitor-rescoring.js';
import * as runSearchIndexes from './0008-run-search-indexes.js';

export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-pipeline-runs-and-caches': pipelineRunsAndCaches,
  '0002-directory-cache': directoryCache,
  '0003-tracking': tracking,
  '0004-registry-audit-tokens': registryAuditTokens,
  '0005-deploy-rollouts': deployRollouts,
  '0006-monitoring': monitoring,
  '0007-monitor-rescoring': monitorRescoring,
  '0008-run-search-indexes': runSearchIndexes,
};
