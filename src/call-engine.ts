import { runAttempt, type Attempt, type AttemptResult } from './attempt.js';
import { followCall, type FollowTiming } from './follow-call.js';
import type { CallSettings } from './settings.js';
import type { CallMedia } from './state.js';
import { SupportCheck, type Support } from './support-check.js';
import { dropSucceeded, type CallEvent } from './transport/cec-answers.js';
import { CecClient } from './transport/cec-client.js';

/**
 * The work behind one element's calls, loaded at the visitor's first sign of intent (hover, focus, touch, click
 * or `preflight`; chunks.ts), not with the page: CEC's API with the visitor's token, the support verdict, an
 * attempt, following a call and dropping it. The controller decides when each runs.
 */
export class CallEngine {
  readonly #cec: CecClient;
  readonly #support: SupportCheck;

  /** `tokenFor`: the page's one token per endpoint or provider, from the core bundle (visitor-token.ts). */
  constructor(tokenFor: ConstructorParameters<typeof CecClient>[0]) {
    this.#cec = new CecClient(tokenFor);
    this.#support = new SupportCheck(this.#cec);
  }

  /**
   * Ahead of a click: the token and, unless known, the support verdict (resolves with it; `undefined` when it
   * was known already or the settings cannot work, which a click reports).
   */
  async prepare(settings: CallSettings, signal: AbortSignal): Promise<Support> {
    try {
      this.#cec.use(settings);
    } catch {
      return undefined;
    }
    // With a verdict already known, only the token is refreshed; else the check fetches it on its way.
    if (!this.#support.asked) return this.#support.check(signal);
    this.#cec.prefetchToken(signal);
    return undefined;
  }

  /** Devices, support verdict and createClickToCall, read as one outcome (attempt.ts). */
  attempt(attempt: Attempt, media: CallMedia, background: AbortSignal): Promise<AttemptResult> {
    return runAttempt(attempt, media, this.#cec, this.#support, background);
  }

  /** Polls CEC's events for the call until `signal` aborts (follow-call.ts). */
  follow(timing: FollowTiming, signal: AbortSignal, onEvent: (event: CallEvent) => void, onLost: () => void): void {
    followCall(this.#cec, timing, signal, onEvent, onLost);
  }

  /** dropClickToCall: whether CEC confirmed it. */
  async drop(signal: AbortSignal): Promise<boolean> {
    try {
      return dropSucceeded(await this.#cec.send('dropClickToCall', {}, signal));
    } catch {
      return false;
    }
  }

  /** dropClickToCall in a request that outlives the page. */
  dropOnExit(): void {
    this.#cec.sendOnExit('dropClickToCall', {});
  }

  /** CEC's API with `settings`, for the requests around a call (after-call/); throws `CallFailure('config')`. */
  client(settings: CallSettings): CecClient {
    this.#cec.use(settings);
    return this.#cec;
  }

  /** The support verdict is asked again at the next attempt. */
  forgetSupport(): void {
    this.#support.forget();
  }
}
