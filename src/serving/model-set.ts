/**
 * The models a server serves, by name, and their replacement without downtime: a new version
 * loads in the background while the current one serves; the swap is one assignment, so every
 * request sees either the old or the new model; the old one is released after its last request.
 * A model that fails to load leaves the previous one serving (and reports not ready if there
 * is none). Registry aliases are followed by polling the resolver.
 */
import { errorMessage } from './error-message.js';
import { duplicateServedName, servedModelNotFound, servedModelNotReady } from './errors.js';
import type { BatcherOptions } from './micro-batcher.js';
import { ServedModel, type LoadedModelSource, type ModelLoadOptions } from './served-model.js';

/** What to serve: a name and a path or registry URI. */
export interface ModelSpec {
  /** The name given with NAME=MODEL; otherwise the registered name or the file stem. */
  readonly name?: string | undefined;
  readonly reference: string;
}

/** Resolves a path or models:/ URI to a local file (fetching registry files), freshly each call. */
export type ModelResolver = (reference: string) => Promise<LoadedModelSource>;

export interface ModelSetEvents {
  loaded?(model: ServedModel, replaced: ServedModel | undefined): void;
  failed?(name: string, reference: string, error: unknown): void;
}

interface Slot {
  readonly name: string;
  readonly reference: string;
  current: ServedModel | undefined;
  lastError: string | undefined;
  loading: Promise<void> | undefined;
}

export class ModelSet {
  private readonly slots = new Map<string, Slot>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly resolver: ModelResolver,
    private readonly batching: BatcherOptions,
    private readonly events: ModelSetEvents,
    private readonly loading: ModelLoadOptions,
  ) {}

  /** Loads every model; fails on the first that cannot load (a server must start with what it was told to serve). */
  static async open(specs: readonly ModelSpec[], resolver: ModelResolver, batching: BatcherOptions, events: ModelSetEvents = {}, loading: ModelLoadOptions = {}): Promise<ModelSet> {
    const set = new ModelSet(resolver, batching, events, loading);
    // Every name is known before anything loads: a clash is the user's to fix, not a load failure.
    const resolved: { spec: ModelSpec; source: LoadedModelSource; name: string }[] = [];
    for (const spec of specs) {
      const source = await resolver(spec.reference);
      const name = spec.name ?? ServedModel.defaultName(source);
      const clash = resolved.find((earlier) => earlier.name === name);
      if (clash) throw duplicateServedName({ name, first: clash.spec.reference, second: spec.reference });
      resolved.push({ spec, source, name });
    }
    for (const { spec, source, name } of resolved) {
      const model = await ServedModel.load(name, spec.reference, source, batching, loading);
      set.slots.set(name, { name, reference: spec.reference, current: model, lastError: undefined, loading: undefined });
      events.loaded?.(model, undefined);
    }
    return set;
  }

  names(): string[] {
    return [...this.slots.keys()];
  }

  /** The model serving under `name` (and `version`, when given). */
  get(name: string, version?: string): ServedModel {
    const slot = this.slots.get(name);
    if (!slot) throw servedModelNotFound({ name, known: this.names() });
    if (!slot.current) throw servedModelNotReady({ name, reason: slot.lastError ?? 'it is loading' });
    if (version !== undefined && version !== slot.current.version) throw servedModelNotFound({ name: `${name}/versions/${version}`, known: this.names().map((each) => `${each}/versions/${this.slots.get(each)?.current?.version ?? '?'}`) });
    return slot.current;
  }

  /** The only model, for protocols that do not name one (MLflow's /invocations on a one-model server). */
  defaultName(): string | undefined {
    return this.slots.size === 1 ? [...this.slots.keys()][0] : undefined;
  }

  isReady(name?: string): boolean {
    const slots = name === undefined ? [...this.slots.values()] : [this.slots.get(name)].filter((slot): slot is Slot => slot !== undefined);
    return slots.length > 0 && slots.every((slot) => slot.current !== undefined);
  }

  status(name: string): { ready: boolean; version: string | undefined; error: string | undefined } {
    const slot = this.slots.get(name);
    if (!slot) throw servedModelNotFound({ name, known: this.names() });
    return { ready: slot.current !== undefined, version: slot.current?.version, error: slot.lastError };
  }

  /**
   * Resolves each model's reference again and loads what changed (`force`: reload even when the
   * version is the same). Resolves when the loads are done; failures are reported, not thrown.
   */
  async reload(options: { names?: readonly string[]; force?: boolean } = {}): Promise<void> {
    const slots = [...this.slots.values()].filter((slot) => !options.names || options.names.includes(slot.name));
    await Promise.all(slots.map((slot) => this.reloadSlot(slot, options.force ?? false)));
  }

  private reloadSlot(slot: Slot, force: boolean): Promise<void> {
    // One load per model at a time: a poll during a slow load waits for it; a forced reload waits, then runs.
    if (slot.loading) return force ? slot.loading.then(() => this.reloadSlot(slot, true)) : slot.loading;
    // Declared before it is assigned: the closure compares slot.loading with it when it settles.
    let loading: Promise<void> | undefined;
    // eslint-disable-next-line prefer-const -- TypeScript needs the declaration above for the closure's reference
    loading = (async () => {
      // A resolver that throws at once must not settle this before `loading` is set.
      await Promise.resolve();
      try {
        const source = await this.resolver(slot.reference);
        if (!force && source.version !== undefined && source.version === slot.current?.version) return;
        const next = await ServedModel.load(slot.name, slot.reference, source, this.batching, this.loading);
        if (!force && next.version === slot.current?.version) {
          next.retire();
          return;
        }
        if (this.closed) {
          next.retire();
          return;
        }
        const previous = slot.current;
        slot.current = next;
        slot.lastError = undefined;
        this.events.loaded?.(next, previous);
        previous?.retire();
      } catch (error) {
        slot.lastError = errorMessage(error);
        this.events.failed?.(slot.name, slot.reference, error);
      } finally {
        if (slot.loading === loading) slot.loading = undefined;
      }
    })();
    slot.loading = loading;
    return loading;
  }

  /** Polls registry references every `intervalMs` and swaps in versions their aliases moved to. */
  follow(intervalMs: number): void {
    // Registry references may move (an alias); files do not. A prefix test: serving stays free of the registry.
    const followed = [...this.slots.values()].filter((slot) => slot.reference.startsWith('models:/')).map((slot) => slot.name);
    if (followed.length === 0 || intervalMs <= 0) return;
    const poll = () => {
      void this.reload({ names: followed }).finally(() => {
        if (this.timer) this.timer = setTimeout(poll, intervalMs).unref();
      });
    };
    this.timer = setTimeout(poll, intervalMs).unref();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const slot of this.slots.values()) slot.current?.retire();
  }
}
