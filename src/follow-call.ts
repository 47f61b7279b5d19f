import { pollUntilAborted } from './poll.js';
import { readCallEvent, type CallEvent } from './transport/cec-answers.js';
import type { CecClient } from './transport/cec-client.js';

export interface FollowTiming {
  readonly intervalMs: number;
  /** How long one poll may take (CEC may hold it). */
  readonly timeoutMs: number;
  readonly maxFailures: number;
}

/**
 * Follows a call CEC is handling: polls getClickToCallEvents until `signal` aborts, one poll at a time, and
 * hands over what each answer means; `onLost` when polling failed `maxFailures` times in a row.
 */
export function followCall(cec: CecClient, timing: FollowTiming, signal: AbortSignal, onEvent: (event: CallEvent) => void, onLost: () => void): void {
  pollUntilAborted({
    poll: async (pollSignal) => readCallEvent(await cec.send('getClickToCallEvents', undefined, pollSignal, timing.timeoutMs)),
    onAnswer: onEvent,
    onLost,
    intervalMs: timing.intervalMs,
    maxFailures: timing.maxFailures,
    signal,
  });
}
