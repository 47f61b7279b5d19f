import { pollUntilAborted } from './poll.js';
import { readCallEvent, type CallEvent } from './transport/cec-answers.js';
import type { CecClient } from './transport/cec-client.js';

export interface FollowTiming {
  readonly intervalMs: number;
  /** How long one poll may take (CEC may hold it). */
  readonly timeoutMs: number;
  readonly maxFailures: number;
  /** How long the call may wait for an agent before it counts as timed out in the queue. */
  readonly maxQueueMs: number;
}

/**
 * Follows a call CEC is handling: polls getClickToCallEvents until `signal` aborts, one poll at a time, and
 * hands over what each answer means; `onLost` when polling failed `maxFailures` times in a row. Not connected
 * within `maxQueueMs` (CEC's own verdict lost, or never sent) is a queue timeout of our own (its `cause` says so).
 * Once connected, a repeat whose gateway cannot be read is nothing: the call was already handed over.
 */
export function followCall(cec: CecClient, timing: FollowTiming, signal: AbortSignal, onEvent: (event: CallEvent) => void, onLost: () => void): void {
  let connected = false;
  const queueTimer = setTimeout(() => {
    if (!connected) onEvent({ type: 'failed', failure: { reason: 'queue-timeout', cause: 'no agent took the call within max-queue-time' } });
  }, timing.maxQueueMs);
  signal.addEventListener('abort', () => clearTimeout(queueTimer), { once: true });
  pollUntilAborted({
    poll: async (pollSignal) => readCallEvent(await cec.send('getClickToCallEvents', undefined, pollSignal, timing.timeoutMs)),
    onAnswer: (event) => {
      if (connected && event.type === 'failed' && event.failure.cause) return;
      connected ||= event.type === 'connected';
      onEvent(event);
    },
    onLost,
    intervalMs: timing.intervalMs,
    maxFailures: timing.maxFailures,
    signal,
  });
}
