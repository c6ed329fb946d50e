/**
 * The in-server monitor loop: a failure that repeats every pass is said once, a new failure is
 * said again, and the first pass that runs after failures is reported as a recovery.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MonitorPasses, MonitorService } from './monitor-service.js';
import { startMonitorLoop } from './monitor-loop.js';

test('the same failure pass after pass is reported once; a recovery and a new failure are reported', async () => {
  const outcomes: (string | undefined)[] = ['nothing served', 'nothing served', 'nothing served', undefined, 'registry unreachable', 'registry unreachable'];
  const service = {
    run: async (): Promise<MonitorPasses> => {
      const message = outcomes.shift();
      return { reports: [], failures: message === undefined ? [] : [{ environment: 'production', error: new Error(message) }] };
    },
  } as unknown as MonitorService;
  const said: string[] = [];
  const loop = startMonitorLoop({
    service,
    environment: 'production',
    intervalMs: 3_600_000,
    onReport: () => said.push('report'),
    onError: (error) => said.push(`failed: ${(error as Error).message}`),
    onRecovered: () => said.push('recovered'),
  });
  for (let pass = 0; pass < 6; pass++) await loop.passNow();
  await loop.stop();
  assert.deepEqual(said, ['failed: nothing served', 'recovered', 'failed: registry unreachable']);
});
