import { browserCannotCall } from './browser-support.js';
import type { UnavailableReason } from './state.js';
import { readSupport } from './transport/cec-answers.js';
import type { CecClient } from './transport/cec-client.js';

/** `true`: calling can work; a reason: it cannot work here; `undefined`: unknown (the check failed). */
export type Support = true | UnavailableReason | undefined;

/**
 * Whether calling can work here: the browser's abilities, then CEC's verdict (checkClickToCallSupport). A
 * verdict is asked once and kept until `forget()`; a check that fails is no verdict, and is asked again.
 */
export class SupportCheck {
  #verdict?: Promise<Support>;
  /** The verdict, once CEC gave it. */
  known: Support;

  constructor(private readonly cec: CecClient) {}

  /** Whether a verdict is known or on its way. */
  get asked(): boolean {
    return this.#verdict !== undefined;
  }

  check(signal: AbortSignal): Promise<Support> {
    if (this.#verdict) return this.#verdict;
    const verdict: Promise<Support> = this.#query(signal).then((support) => {
      // A check that forget() left behind neither keeps nor clears what came after it.
      if (this.#verdict === verdict) {
        if (support === undefined) this.#verdict = undefined;
        this.known = support;
      }
      return support;
    });
    return (this.#verdict = verdict);
  }

  forget(): void {
    this.#verdict = this.known = undefined;
  }

  /** A failed check is no verdict: createClickToCall will then say what is wrong. */
  async #query(signal: AbortSignal): Promise<Support> {
    const browser = browserCannotCall();
    if (browser) return browser;
    try {
      const supported = readSupport(await this.cec.send('checkClickToCallSupport', undefined, signal));
      return supported === false ? 'not-supported' : supported;
    } catch {
      return undefined;
    }
  }
}
