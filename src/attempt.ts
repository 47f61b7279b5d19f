import { MediaSession } from './media/media-session.js';
import type { CallOutcomeEvent } from './events.js';
import type { CallSettings } from './settings.js';
import type { CallMedia, Outcome, UnavailableReason } from './state.js';
import { browserCannotCall } from './browser-support.js';
import type { SupportCheck } from './support-check.js';
import { interpretCreateAnswer } from './transport/cec-answers.js';
import { mediaAbility, type CecClient } from './transport/cec-client.js';
import { CallFailure, untilAborted } from './transport/http.js';

/** One start of a call, from the click to CEC's answer to createClickToCall. */
export interface Attempt {
  readonly abort: AbortController;
  readonly settings: CallSettings;
  result?: Promise<CallOutcomeEvent | null>;
  /** createClickToCall may have reached CEC, so leaving now must drop the call. */
  createSent: boolean;
  /** Gives up the visitor's one call (one-call.ts), once the attempt or its call is over. */
  release?: () => void;
  session?: MediaSession;
}

export type AttemptResult = Outcome | { type: 'unavailable'; reason: UnavailableReason };

/**
 * Runs `attempt` on its settings: what the browser says, the microphone (and camera) on the click, then
 * createClickToCall with CEC's support verdict asked alongside (unless known from a hover), read as one
 * outcome: a verdict against calling wins, and drops a call that was created meanwhile. Whatever fails is an
 * outcome too: the visitor sees a defined state. `background` is the element's own signal, for the support
 * check it shares with hovering.
 */
export async function runAttempt(
  attempt: Attempt,
  media: CallMedia,
  cec: CecClient,
  support: SupportCheck,
  background: AbortSignal,
): Promise<AttemptResult> {
  const { signal } = attempt.abort;
  try {
    cec.use(attempt.settings);
    const browser = browserCannotCall();
    if (browser) return { type: 'unavailable', reason: browser };
    if (attempt.settings.mediaEngine !== 'none') {
      const session = await MediaSession.open(media);
      if (signal.aborted) session.close();
      signal.throwIfAborted();
      attempt.session = session;
    }
    // A cold click does not wait for the verdict: it costs a round trip, and it is almost always "supported".
    if (typeof support.known === 'string') return { type: 'unavailable', reason: support.known };
    const verdict = untilAborted(support.check(background), signal);
    verdict.catch(() => {}); // an abort, while the create's own failure is what is reported
    attempt.createSent = true;
    const outcome = interpretCreateAnswer(await cec.send('createClickToCall', { mediaAbility: mediaAbility[media] }, signal));
    const supported = await verdict;
    const unsupported = typeof supported === 'string';
    // A call CEC may have made (it timed out answering, or is not wanted after all) is dropped, not left waiting.
    if (outcome.type === 'started' ? unsupported : outcome.type === 'error' && outcome.reason === 'timeout') {
      cec.send('dropClickToCall', {}, background).catch(() => {});
    }
    return unsupported ? { type: 'unavailable', reason: supported } : outcome;
  } catch (error) {
    if (error instanceof CallFailure) {
      const { reason, message, status } = error;
      if (attempt.createSent && (reason === 'timeout' || reason === 'network')) cec.send('dropClickToCall', {}, background).catch(() => {});
      return status === undefined ? { type: 'error', reason, message } : { type: 'error', reason, message, status };
    }
    // Only an abort (whose outcome is dropped) or a bug gets here.
    return { type: 'error', reason: 'protocol', message: 'unexpected failure while starting the call' };
  }
}
