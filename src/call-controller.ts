import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { CallErrorEvent, CallStartedEvent, NoAgentsEvent, type CallOutcomeEvent } from './events.js';
import { transition, type CallInput, type CallMedia, type CallState, type Outcome } from './state.js';
import { cecUrl, createClickToCall, type CecEndpoint } from './transport/cec-client.js';
import { CallFailure } from './transport/http.js';
import { provideGrant, requestGrant, TokenCache, type TokenGrant, type TokenProvider } from './transport/token.js';

/** The element's settings, read afresh for every attempt. */
export interface CallConfig extends CecEndpoint {
  readonly tokenEndpoint?: string;
  readonly tokenProvider?: TokenProvider;
  readonly context: unknown;
  readonly disabled: boolean;
}

type Host = ReactiveControllerHost & HTMLElement;

/**
 * Sequences one call attempt: token → createClickToCall (→ new token and one retry on 401/403) → one event.
 * Only one attempt runs at a time; removing the host aborts it silently.
 */
export class CallController implements ReactiveController {
  #state: CallState = 'idle';
  #media?: CallMedia;
  #lastOutcome?: CallOutcomeEvent;
  #attempt?: { readonly abort: AbortController; readonly result: Promise<CallOutcomeEvent | null> };
  readonly #tokens = new TokenCache((signal) => this.#loadGrant(signal));

  constructor(
    private readonly host: Host,
    private readonly config: () => CallConfig,
    private readonly stateChanged: (state: CallState) => void,
  ) {
    host.addController(this);
  }

  get state(): CallState {
    return this.#state;
  }

  /** The media of the attempt in flight or of the last one. */
  get media(): CallMedia | undefined {
    return this.#media;
  }

  /** The event that ended the last attempt. */
  get lastOutcome(): CallOutcomeEvent | undefined {
    return this.#lastOutcome;
  }

  hostDisconnected(): void {
    this.reset();
    this.#tokens.dispose();
  }

  /** The token depends on the endpoint, provider and context: when they change, it is fetched anew. */
  forgetToken(): void {
    this.#tokens.forget();
  }

  /**
   * Starts an attempt, or joins the one in flight. Resolves with the event that ended it, or `null` when
   * nothing was sent (disabled, not in a document) or the attempt was cancelled by `reset()` or removal.
   */
  start(media: CallMedia): Promise<CallOutcomeEvent | null> {
    if (this.#attempt) return this.#attempt.result;
    if (this.config().disabled || !this.host.isConnected || !this.#apply('start')) return Promise.resolve(null);
    this.#media = media;
    const abort = new AbortController();
    const result = this.#run(media, abort.signal).then((outcome) => {
      if (abort.signal.aborted) return null;
      this.#attempt = undefined;
      return this.#finish(media, outcome);
    });
    this.#attempt = { abort, result };
    return result;
  }

  /** Cancels an attempt in flight (no event fires for it) and goes back to `idle`. */
  reset(): void {
    this.#attempt?.abort.abort();
    this.#attempt = undefined;
    this.#apply('reset');
  }

  async #run(media: CallMedia, signal: AbortSignal): Promise<Outcome> {
    try {
      const config = this.config();
      if (typeof config.tokenProvider !== 'function' && !config.tokenEndpoint) {
        throw new CallFailure('config', 'set the token-endpoint attribute or the tokenProvider property');
      }
      cecUrl(config.apiBase, 'createClickToCall');
      let grant = await this.#tokens.get(signal);
      let outcome = await createClickToCall(config, grant, media, signal);
      if (outcome.type === 'error' && outcome.reason === 'auth') {
        this.#tokens.invalidate(grant);
        grant = await this.#tokens.get(signal);
        outcome = await createClickToCall(config, grant, media, signal);
      }
      return outcome;
    } catch (error) {
      if (error instanceof CallFailure) {
        const { reason, message, status } = error;
        return status === undefined ? { type: 'error', reason, message } : { type: 'error', reason, message, status };
      }
      // Only an abort (whose outcome is dropped) or a bug gets here; the visitor still sees a defined state.
      return { type: 'error', reason: 'protocol', message: 'unexpected failure while starting the call' };
    }
  }

  #finish(media: CallMedia, outcome: Outcome): CallOutcomeEvent {
    let event: CallOutcomeEvent;
    if (outcome.type === 'error') {
      const { type: _, ...detail } = outcome;
      if (outcome.reason === 'config') console.error(`<click-to-call>: ${outcome.message}`);
      event = new CallErrorEvent({ media, ...detail });
    } else {
      const detail = { media, resultCode: outcome.resultCode, resultDesc: outcome.resultDesc };
      event = outcome.type === 'started' ? new CallStartedEvent(detail) : new NoAgentsEvent(detail);
    }
    this.#lastOutcome = event;
    this.#apply(outcome.type);
    this.host.dispatchEvent(event);
    return event;
  }

  #apply(input: CallInput): boolean {
    const next = transition(this.#state, input);
    if (next === undefined) return false;
    this.#state = next;
    this.stateChanged(next);
    this.host.requestUpdate();
    return true;
  }

  #loadGrant(signal: AbortSignal): Promise<TokenGrant> {
    const { tokenProvider, tokenEndpoint, context, timeoutMs } = this.config();
    return typeof tokenProvider === 'function'
      ? provideGrant(tokenProvider, context, signal, timeoutMs)
      : requestGrant(tokenEndpoint ?? '', context, signal, timeoutMs);
  }
}
