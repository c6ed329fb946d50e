/**
 * `sluice serve --env NAME --workers N`: the primary runs the environment's control loop and its
 * live window (so analysis sees every worker's traffic) and loads no model; N workers share the
 * port, each loading the versions the primary's routing state names and routing by it. Workers
 * relay what they answer to the primary in batches, and ask it to join feedback. The messages are
 * in deploy/environment/environment-ipc.ts.
 *
 * Not shared across workers: /metrics (each worker answers with its own series) and a canary's
 * counter (each worker spreads its own share exactly, so the whole is within N requests).
 */
import cluster, { type Worker } from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { EnvironmentHub, isEnvironmentMessage, RelayRecorder, type EnvironmentMessage } from '../../deploy/index.js';
import { isAppError } from '../../core/index.js';
import { answerFeedback, LiveWindow, logFeedback, parseFeedback, runServer, type FeedbackOutcome } from '../../serving/index.js';
import type { CliContext } from '../services.js';
import { environmentBanner, untilSignal, type EnvironmentSetup } from './serve-environment.js';

export async function serveEnvironmentInCluster(setup: EnvironmentSetup, cli: CliContext): Promise<number> {
  return cluster.isPrimary ? runPrimary(setup, cli) : runWorker(setup);
}

async function runPrimary(setup: EnvironmentSetup, cli: CliContext): Promise<number> {
  const live = new LiveWindow();
  const workers: Worker[] = [];
  let last: EnvironmentMessage | undefined;
  const broadcast = (message: EnvironmentMessage) => {
    last = message;
    for (const worker of workers) if (worker.isConnected()) worker.send(message);
  };
  // onRouting runs from start() on, once `runtime` is assigned.
  const runtime: ReturnType<EnvironmentSetup['runtime']> = setup.runtime({ live, serving: false, onRouting: (state, rolloutId) => broadcast({ type: 'sluice-env:routing', state, rolloutId, shadow: runtime.describe().shadow }) });
  // Nothing to serve fails here, once, before any worker starts.
  await runtime.start();
  const hub = new EnvironmentHub(live, (stable, shadow) => runtime.compareShadow(stable, shadow), () => workers.filter((worker) => worker.isConnected()).map((worker) => (message: EnvironmentMessage) => worker.send(message)));
  let listening = 0;
  let failure: { message: string; exitCode: number } | undefined;
  for (let k = 0; k < setup.workers; k++) {
    const worker = cluster.fork();
    workers.push(worker);
    if (last) worker.send(last);
    worker.on('message', (message: unknown) => {
      if (!isEnvironmentMessage(message)) return;
      if (message.type === 'sluice-env:listening' && ++listening === setup.workers) cli.stderr.write(environmentBanner(setup, runtime.describe(), message.url, setup.workers));
      else if (message.type === 'sluice-env:failed') failure ??= { message: message.message, exitCode: message.exitCode };
      else hub.receive(message, (reply) => worker.isConnected() && worker.send(reply));
    });
  }
  let stopping = false;
  const exited = workers.map((worker) => new Promise<number>((resolve) => worker.once('exit', (code, signal) => resolve(code ?? (signal && !stopping ? 1 : 0)))));
  const stop = () => {
    stopping = true;
    for (const worker of workers) if (!worker.isDead()) worker.process.kill('SIGTERM');
  };
  // A worker that cannot start stops the others: the environment never half-starts.
  for (const worker of workers) worker.once('exit', (code) => code !== 0 && listening < setup.workers && stop());
  const monitor = setup.startMonitor();
  void untilSignal().then(stop);
  const codes = await Promise.all(exited);
  // The workers flushed their logs as they stopped: the monitor's last pass closes the windows that are complete.
  await monitor?.stop();
  await runtime.close();
  setup.closeLog();
  if (failure) {
    cli.stderr.write(`sluice: ${failure.message}\n`);
    return failure.exitCode;
  }
  return codes.some((code) => code !== 0) ? Math.max(...codes) : 0;
}

async function runWorker(setup: EnvironmentSetup): Promise<number> {
  const send = (message: EnvironmentMessage) => process.send?.(message);
  const relay = new RelayRecorder(send);
  const runtime = setup.runtime({ live: undefined, serving: true });
  const asked = new Map<string, (outcome: FeedbackOutcome) => void>();
  let shadow: ReturnType<typeof runtime.describe>['shadow'];
  let applied: Promise<void> = Promise.resolve();
  let firstRouting: () => void = () => undefined;
  const routed = new Promise<void>((resolve) => (firstRouting = resolve));
  process.on('message', (message: unknown) => {
    if (!isEnvironmentMessage(message)) return;
    if (message.type === 'sluice-env:routing') {
      shadow = message.shadow;
      // In order: a later state is applied after an earlier one's loads.
      applied = applied.then(() => runtime.applyRouting(message.state, message.rolloutId)).then(firstRouting, (error: unknown) => setup.warn(`routing state not applied: ${error instanceof Error ? error.message : String(error)}`));
    } else if (message.type === 'sluice-env:flush') {
      relay.flush();
      send({ type: 'sluice-env:flushed', id: message.id });
    } else if (message.type === 'sluice-env:feedback-outcome') {
      asked.get(message.id)?.(message.outcome);
      asked.delete(message.id);
    }
  });
  let server;
  try {
    await routed;
    const router = { route: runtime.route.bind(runtime), compareShadow: relay.compareShadow.bind(relay), describe: () => ({ ...runtime.describe(), shadow }) };
    server = await runServer(
      await setup.serverOptions(
        {
          router,
          live: relay,
          feedback: async (body, predictionLog) => {
            const entries = parseFeedback(body);
            // This worker's answers reach the primary before the question does.
            relay.flush();
            const id = randomUUID();
            const outcome = await new Promise<FeedbackOutcome>((resolve) => {
              asked.set(id, resolve);
              send({ type: 'sluice-env:feedback', id, entries });
            });
            const answer = answerFeedback(outcome);
            logFeedback(predictionLog, entries);
            return answer;
          },
        },
        runtime.describe().stableVersion!,
      ),
    );
  } catch (error) {
    await runtime.close();
    if (!isAppError(error)) throw error;
    await new Promise<void>((sent) => process.send!({ type: 'sluice-env:failed', message: error.toUserMessage(), exitCode: error.exitCode } satisfies EnvironmentMessage, undefined, undefined, () => sent()));
    process.disconnect();
    return error.exitCode;
  }
  send({ type: 'sluice-env:listening', url: server.url });
  // A primary that is gone (killed, even with SIGKILL) takes its workers with it: they stop as on SIGTERM.
  let leaving = false;
  process.once('disconnect', () => !leaving && process.emit('SIGTERM'));
  await untilSignal();
  leaving = true;
  await server.close();
  relay.close();
  await runtime.close();
  setup.closeLog();
  process.disconnect();
  return 0;
}
