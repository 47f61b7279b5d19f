import type { CallEngine } from './call-engine.js';
import { loadCallEngine } from './chunks.js';

/** An element's way to its call engine (call-engine.ts, a chunk of its own): loaded once, a failed load tried again. */
export class CallEngineLoader {
  #loading?: Promise<CallEngine>;
  /** The engine, once loaded. */
  loaded?: CallEngine;

  ready(): Promise<CallEngine> {
    return (this.#loading ??= loadCallEngine().then(
      ({ CallEngine }) => (this.loaded = new CallEngine()),
      (error: unknown) => {
        this.#loading = undefined;
        throw error;
      },
    ));
  }
}
