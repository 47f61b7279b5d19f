/** Longest wait between two polls after failures. */
const MAX_BACKOFF_MS = 8000;

export interface PollLoop<T> {
  /** One poll; a rejection counts as a transient failure. */
  readonly poll: (signal: AbortSignal) => Promise<T>;
  /** Each answer, in order. Aborting `signal` from here ends the loop. */
  readonly onAnswer: (answer: T) => void;
  /** `maxFailures` polls in a row failed; the loop has ended. */
  readonly onLost: (lastError: unknown) => void;
  readonly intervalMs: number;
  readonly maxFailures: number;
  readonly signal: AbortSignal;
  readonly random?: () => number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * Polls until `signal` aborts, one poll at a time. Polls start at most every `intervalMs`, so an answer the
 * server held (a long poll) is followed by the next poll at once. Failures back off exponentially with jitter.
 */
export async function pollUntilAborted<T>(loop: PollLoop<T>): Promise<void> {
  const { poll, onAnswer, onLost, intervalMs, maxFailures, signal, random = Math.random, sleep = abortableSleep } = loop;
  let failures = 0;
  while (!signal.aborted) {
    const began = performance.now();
    let wait: number;
    try {
      const answer = await poll(signal);
      if (signal.aborted) return;
      failures = 0;
      onAnswer(answer);
      wait = intervalMs - (performance.now() - began);
    } catch (error) {
      if (signal.aborted) return;
      if (++failures >= maxFailures) return onLost(error);
      wait = backoffDelay(failures, intervalMs, random);
    }
    if (wait > 0) await sleep(wait, signal);
  }
}

/** After `failures` failures in a row: between half and all of `intervalMs · 2^failures`, capped at 8 s. */
export function backoffDelay(failures: number, intervalMs: number, random: () => number): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, intervalMs * 2 ** failures);
  return ceiling / 2 + (random() * ceiling) / 2;
}

/** Resolves after `ms`, or as soon as `signal` aborts, leaving no timer behind. */
function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
