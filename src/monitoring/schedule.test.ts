/**
 * The schedule runner: passes run on the cron schedule, a failing pass is reported and the next
 * one still runs, and an expression croner cannot parse is refused with its reason.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AppError } from '../core/index.js';
import { pollUntil } from '../../test/support/processes.js';
import type { MonitorService } from './monitor-service.js';
import { checkCron, scheduleMonitors } from './schedule.js';

/** A service whose passes are counted; the first one fails. */
function countingService(): { service: Pick<MonitorService, 'run'>; passes: () => number } {
  let passes = 0;
  const service = {
    run: async () => {
      passes++;
      if (passes === 1) throw new Error('the registry is unreachable');
      return { reports: [], failures: [] };
    },
  } satisfies Pick<MonitorService, 'run'>;
  return { service, passes: () => passes };
}

test('passes run every second on "* * * * * *", and a failed pass does not stop the schedule', async () => {
  const { service, passes } = countingService();
  const errors: unknown[] = [];
  const reports: unknown[] = [];
  const schedule = scheduleMonitors(service, '* * * * * *', { onReport: (report) => reports.push(report), onError: (error) => errors.push(error) });
  try {
    await pollUntil(() => (passes() >= 2 ? true : undefined), 'two passes', 10_000, 100);
  } finally {
    schedule.stop();
  }
  assert.match(String(errors[0]), /registry is unreachable/);
  assert.ok(reports.length >= 1);
  assert.equal(schedule.nextRun(), null);
});

test('an expression croner cannot parse is refused with its reason', () => {
  try {
    checkCron('every five minutes');
    assert.fail('expected a refusal');
  } catch (error) {
    assert.equal((error as AppError).code, 'SLUICE_MONITOR_INVALID_CRON');
    assert.match((error as AppError).toUserMessage(), /"every five minutes" is not a cron expression/);
  }
});
