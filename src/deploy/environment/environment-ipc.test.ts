/** The worker and primary ends of an environment on several workers, wired to each other in process. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LiveWindow } from '../../serving/index.js';
import { EnvironmentHub, RelayRecorder, type EnvironmentMessage } from './environment-ipc.js';

const answer = { kind: 'probabilities' as const, classes: ['0', '1'], rows: [[0.2, 0.8]] };

/** A hub with two workers whose relays deliver to it only when flushed. */
function wired(): { live: LiveWindow; hub: EnvironmentHub; relays: RelayRecorder[]; shadows: number[]; ask: (worker: number, message: EnvironmentMessage) => Promise<EnvironmentMessage> } {
  const live = new LiveWindow();
  const shadows: number[] = [];
  const relays: RelayRecorder[] = [];
  const hub: EnvironmentHub = new EnvironmentHub(live, () => shadows.push(1), () =>
    relays.map((relay) => (message: EnvironmentMessage) => {
      if (message.type !== 'sluice-env:flush') return;
      relay.flush();
      hub.receive({ type: 'sluice-env:flushed', id: message.id }, () => undefined);
    }),
  );
  for (let k = 0; k < 2; k++) relays.push(new RelayRecorder((message) => hub.receive(message, () => undefined)));
  const ask = (_worker: number, message: EnvironmentMessage) => new Promise<EnvironmentMessage>((resolve) => hub.receive(message, resolve));
  return { live, hub, relays, shadows, ask };
}

describe('an environment on several workers', () => {
  test('what a worker relays reaches the primary\'s live window in one batch', () => {
    const { live, relays, shadows } = wired();
    relays[0]!.recordAnswer('a', '2', answer);
    relays[0]!.recordRequest('2', 3, false);
    relays[0]!.compareShadow(answer, answer);
    assert.equal(live.requestStats('2', 0).count, 0, 'nothing before the flush');
    relays[0]!.flush();
    assert.equal(live.requestStats('2', 0).count, 1);
    assert.equal(live.outputs('2', 0).length, 1);
    assert.equal(shadows.length, 1);
    for (const relay of relays) relay.close();
  });

  test('a label posted to another worker than the one that answered joins: the primary has every worker flush first', async () => {
    const { live, relays, ask } = wired();
    relays[1]!.recordAnswer('r1', '1', answer);
    const outcome = await ask(0, { type: 'sluice-env:feedback', id: 'q', entries: [{ id: 'r1', label: 1 }] });
    assert.deepEqual(outcome, { type: 'sluice-env:feedback-outcome', id: 'q', outcome: { joined: 1 } });
    assert.equal((live.labelled('1', 0) as { labels: string[] }).labels.length, 1);
    for (const relay of relays) relay.close();
  });

  test('an id no worker answered is still unknown after the flush', async () => {
    const { relays, ask } = wired();
    const outcome = await ask(0, { type: 'sluice-env:feedback', id: 'q', entries: [{ id: 'nope', label: 1 }] });
    assert.deepEqual(outcome, { type: 'sluice-env:feedback-outcome', id: 'q', outcome: { unknown: ['nope'] } });
    for (const relay of relays) relay.close();
  });
});
