/** `sluice rollout status` as text: what the JSON says, a person reads. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EnvironmentStatus, Rollout } from '../../deploy/index.js';
import { renderStatus } from './rollout.js';

test('an analysis waiting for labelled answers says so, as the JSON does', () => {
  const rollout = {
    id: 'r1',
    environment: 'production',
    strategy: { kind: 'canary', steps: [{ setWeight: 50 }, { analysis: { metrics: [] } }] },
    phase: 'Progressing',
    stepIndex: 1,
    weight: 50,
    stableVersion: 1,
    candidateVersion: 2,
    createdAt: Date.UTC(2026, 11, 7, 14, 0, 0),
    message: 'step 2/2: analysis running',
    analysisRuns: [
      {
        name: 'step-1',
        phase: 'Running',
        startedAt: Date.UTC(2026, 11, 7, 14, 0, 5),
        metrics: [{ name: 'acc', phase: 'Running', measurements: [], successful: 0, failed: 0, inconclusive: 0, error: 0, consecutiveError: 0, message: 'waiting for data: 12 of 50 labelled answers' }],
      },
    ],
  } as unknown as Rollout;
  const status = { environment: { name: 'production', model: 'bc', alias: 'production', host: '127.0.0.1', port: 8080 }, state: undefined, rollout } as unknown as EnvironmentStatus;
  assert.match(renderStatus(status), /acc: Running, 0 measured, last —, waiting for data: 12 of 50 labelled answers/);
});

test('a shadow candidate is shown answering nothing but seeing copies of its share of requests', () => {
  const rollout = {
    id: 'r2',
    environment: 'production',
    strategy: { kind: 'shadow', percent: 25 },
    phase: 'Progressing',
    stepIndex: 0,
    weight: 0,
    stableVersion: 1,
    candidateVersion: 2,
    createdAt: Date.UTC(2026, 11, 7, 14, 0, 0),
    message: 'shadowing',
    analysisRuns: [],
  } as unknown as Rollout;
  const status = { environment: { name: 'production', model: 'bc', alias: 'production', host: '127.0.0.1', port: 8080 }, state: undefined, rollout } as unknown as EnvironmentStatus;
  const text = renderStatus(status);
  assert.match(text, /stable\s+v1\s+100%/);
  assert.match(text, /candidate\s+v2\s+0%\s+copies of 25% of requests, never answered/);
});
