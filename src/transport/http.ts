import type { CallErrorReason } from '../state.js';

/** A failure the transport can name; the controller turns it into a `call-error` with this reason. */
export class CallFailure extends Error {
  constructor(
    readonly reason: CallErrorReason,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

/**
 * Runs `task` with a signal that aborts when `signal` does or after `timeoutMs`. Rejects with `signal.reason`
 * on abort, `CallFailure('timeout')` on timeout, else as `task` does.
 */
export async function bounded<T>(task: (signal: AbortSignal) => Promise<T>, signal: AbortSignal, timeoutMs: number): Promise<T> {
  const controller = new AbortController();
  const forward = () => controller.abort(signal.reason);
  const timer = setTimeout(() => controller.abort(new CallFailure('timeout', `no answer within ${timeoutMs} ms`)), timeoutMs);
  signal.addEventListener('abort', forward, { once: true });
  try {
    return await untilAborted(Promise.resolve().then(() => task(controller.signal)), controller.signal);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', forward);
  }
}

/** One HTTP exchange, body included, within `timeoutMs`; a fetch failure is `CallFailure('network')`. */
export async function exchange(url: string, init: RequestInit, signal: AbortSignal, timeoutMs: number): Promise<HttpAnswer> {
  try {
    return await bounded(
      async (bound) => {
        const response = await fetch(url, { ...init, signal: bound });
        return { status: response.status, headers: response.headers, body: await response.text() };
      },
      signal,
      timeoutMs,
    );
  } catch (error) {
    throw signal.aborted || error instanceof CallFailure ? error : new CallFailure('network', `could not reach ${url}`);
  }
}

/** Resolves like `promise`, but rejects with `signal.reason` as soon as `signal` aborts. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** JSON.parse that answers `undefined` instead of throwing. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
