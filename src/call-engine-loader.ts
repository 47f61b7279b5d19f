import type { Attempt, AttemptResult } from './attempt.js';
import { browserCannotCall } from './browser-support.js';
import type { CallEngine } from './call-engine.js';
import { loadCallEngine } from './chunks.js';
import { claimCall } from './one-call.js';
import type { CallSettings } from './settings.js';
import type { CallMedia } from './state.js';
import type { TokenSettings } from './transport/token.js';
import { VisitorToken } from './transport/visitor-token.js';

/**
 * An element's way to its call engine (call-engine.ts, a chunk of its own): loaded once, a failed load tried
 * again; and to an attempt on it, once the visitor's one call is claimed. The visitor's token stays here, in the
 * core, so that a first click can fetch it while the engine loads.
 */
export class CallEngineLoader {
  #loading?: Promise<CallEngine>;
  /** The page's token this element uses (visitor-token.ts). */
  #token?: VisitorToken;

  /** The engine, once loaded. */
  loaded?: CallEngine;

  /**
   * The engine; with `settings` (a click), the token is fetched meanwhile when the click will need it at once:
   * the settings can work, the browser can call, and no device is asked for first (`media-engine="none"`; with
   * devices, nothing is sent before the visitor allows them).
   */
  ready(settings?: CallSettings, signal?: AbortSignal): Promise<CallEngine> {
    if (settings && signal && !settings.problem && settings.mediaEngine === 'none' && !browserCannotCall()) {
      this.#tokenFor(settings).prefetch(signal);
    }
    return (this.#loading ??= loadCallEngine().then(
      ({ CallEngine }) => (this.loaded = new CallEngine((settings) => this.#tokenFor(settings))),
      (error: unknown) => {
        this.#loading = undefined;
        throw error;
      },
    ));
  }

  /**
   * Runs `attempt` once the visitor's one call is claimed (one-call.ts; `onOtherCall` hears of the others) and
   * the engine loaded, the token fetched meanwhile. The claim goes on `attempt.release`.
   */
  async attempt(attempt: Attempt, media: CallMedia, background: AbortSignal, onOtherCall: (elsewhere: boolean) => void): Promise<AttemptResult> {
    try {
      return await this.#attempt(attempt, media, background, onOtherCall);
    } catch {
      // Only a bug gets here: the visitor still sees a defined state.
      return { type: 'error', reason: 'protocol', message: 'unexpected failure while starting the call' };
    }
  }

  async #attempt(attempt: Attempt, media: CallMedia, background: AbortSignal, onOtherCall: (elsewhere: boolean) => void): Promise<AttemptResult> {
    const { signal } = attempt.abort;
    // The engine and the token are on their way while the claim is asked for: it costs no round trip.
    const ready = this.ready(attempt.settings, background).catch(() => undefined);
    const release = await claimCall(onOtherCall);
    if (!release) return { type: 'unavailable', reason: 'in-another-tab' };
    attempt.release = release;
    if (signal.aborted) release();
    const engine = await ready;
    if (!engine) return { type: 'error', reason: 'network', message: 'the call engine could not be loaded' };
    // Cancelled while claiming or loading: no device is asked for, nothing is sent.
    return signal.aborted ? { type: 'error', reason: 'network', message: 'cancelled' } : engine.attempt(attempt, media, background);
  }

  /** The element left the document: it no longer holds on to the page's token. */
  dispose(): void {
    this.#token?.leave(this);
    this.#token = undefined;
  }

  #tokenFor(settings: CallSettings | TokenSettings): VisitorToken {
    const token = VisitorToken.for(settings, this);
    if (this.#token !== token) this.#token?.leave(this);
    return (this.#token = token);
  }
}
