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
 * One HTTP exchange, body included, bounded by `timeoutMs`.
 * Rejects with `CallFailure` ('network' | 'timeout'), or with `signal.reason` when the caller aborted.
 */
export async function exchange(
  url: string,
  init: RequestInit,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<HttpAnswer> {
  signal.throwIfAborted();
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const forwardAbort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', forwardAbort, { once: true });
  try {
    const response = await fetch(url, { ...init, signal: controller.signal });
    return { status: response.status, headers: response.headers, body: await response.text() };
  } catch {
    if (signal.aborted) throw signal.reason;
    if (timedOut) throw new CallFailure('timeout', `No answer from ${safeUrl(url)} within ${timeoutMs} ms`);
    throw new CallFailure('network', `Could not reach ${safeUrl(url)}`);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', forwardAbort);
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

/** The URL without query or fragment, so error messages never carry anything secret. */
function safeUrl(url: string): string {
  return url.replace(/[?#].*$/, '');
}
