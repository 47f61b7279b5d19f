import { MediaSession } from './media/media-session.js';
import type { CallOutcomeEvent } from './events.js';
import type { CallSettings } from './settings.js';
import type { CallMedia, Outcome, UnavailableReason } from './state.js';
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
  session?: MediaSession;
}

export type AttemptResult = Outcome | { type: 'unavailable'; reason: UnavailableReason };

/**
 * Runs `attempt` on its settings: the microphone (and camera) on the click, the support verdict, then
 * createClickToCall, read as one outcome. Whatever fails is an outcome too: the visitor sees a defined state.
 * `background` is the element's own signal, for the support check it shares with hovering.
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
    if (attempt.settings.mediaEngine !== 'none') {
      const session = await MediaSession.open(media);
      if (signal.aborted) session.close();
      signal.throwIfAborted();
      attempt.session = session;
    }
    const verdict = await untilAborted(support.check(background), signal);
    if (typeof verdict === 'string') return { type: 'unavailable', reason: verdict };
    attempt.createSent = true;
    return interpretCreateAnswer(await cec.send('createClickToCall', { mediaAbility: mediaAbility[media] }, signal));
  } catch (error) {
    if (error instanceof CallFailure) {
      const { reason, message, status } = error;
      return status === undefined ? { type: 'error', reason, message } : { type: 'error', reason, message, status };
    }
    // Only an abort (whose outcome is dropped) or a bug gets here.
    return { type: 'error', reason: 'protocol', message: 'unexpected failure while starting the call' };
  }
}
