/**
 * The hook by which an environment (`sluice serve --env`) chooses, per request, which loaded
 * version answers, and which one shadows it. Without a router the named model answers, as plain
 * `sluice serve` always has. Serving knows only this interface; the deploy domain implements it
 * from the rollout's state.
 *
 * Also here: the shadow's run after the response is sent (the answer recorded for analysis,
 * compared, logged, never returned).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Exchange } from './exchange.js';
import type { FeedPart } from './feed.js';
import type { LiveRecorder } from './live-window.js';
import type { PredictionLog } from './prediction-log.js';
import type { RowPredictions, ServedModel } from './served-model.js';

/** The versions that answer one request. */
export interface RoutedModels {
  readonly model: ServedModel;
  /** Also runs the request after the response is sent; its answer is compared and logged, never returned. */
  readonly shadow?: ServedModel | undefined;
}

export interface ModelRouter {
  /**
   * The versions answering a request for the model `name` (at `version`, when the URL names
   * one), or undefined when the router does not serve `name` (the model set answers).
   */
  route(name: string, version: string | undefined, headers: IncomingHttpHeaders): RoutedModels | undefined;
  /** A shadow answer next to the stable one, for the rollout's comparison. */
  compareShadow?(stable: RowPredictions, shadow: RowPredictions): void;
  /** What serves now, for `GET /environment`. */
  describe?(): unknown;
}

export interface ShadowRun {
  readonly requestId: string;
  readonly model: string;
  readonly protocol: string;
  readonly part: FeedPart;
  readonly inputs: unknown;
  readonly stable: RowPredictions;
}

/**
 * Runs the shadow after the response (at once when there is no HTTP request to wait for, as in
 * gRPC): its answer joins the live window under its version, is logged with `shadow: true`, and
 * is compared with the stable answer. A failing shadow changes nothing but the log.
 */
export function scheduleShadow(exchange: Exchange | undefined, shadow: ServedModel, run: ShadowRun, sinks: { live?: LiveRecorder | undefined; predictionLog?: PredictionLog | undefined; router?: ModelRouter | undefined }): void {
  const work = () => {
    void shadow
      .infer(run.part)
      .then((output) => {
        const predictions = shadow.predictionsOf(output);
        sinks.live?.recordAnswer(run.requestId, shadow.version, predictions);
        sinks.router?.compareShadow?.(run.stable, predictions);
        sinks.predictionLog?.append({ request_id: run.requestId, timestamp: new Date().toISOString(), model: run.model, version: shadow.version, protocol: run.protocol, inputs: run.inputs, outputs: predictions.rows, shadow: true });
      })
      .catch(() => undefined);
  };
  if (exchange) exchange.leaveForAfterResponse(work);
  else setImmediate(work);
}
