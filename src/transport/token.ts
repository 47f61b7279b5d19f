import { CallFailure, exchange, isRecord, parseJson, untilAborted } from './http.js';

/** What the token endpoint (or `tokenProvider`) hands the browser: short-lived tokens only, never AK/SK. */
export interface TokenGrant {
  /** The `ccmessaging-token` from applyToken. */
  readonly token: string;
  /** Seconds until `token` expires; CEC's documented one hour when absent. */
  readonly expiresIn?: number;
  /** Only for sites that call CEC directly: sent as `x-app-key`. */
  readonly appKey?: string;
  /** Only for sites that call CEC directly: sent as `Authorization: Bearer …`. */
  readonly accessToken?: string;
}

export interface TokenRequest {
  /** The element's `context` property. */
  readonly context: unknown;
  /** Aborted when the element is removed or the request times out. */
  readonly signal: AbortSignal;
}

/** Custom auth: resolves with the token endpoint's answer shape. */
export type TokenProvider = (request: TokenRequest) => Promise<unknown>;

const DEFAULT_LIFETIME_S = 3600;
/** A token this close to expiry (or within a fifth of its lifetime) is not reused: it could expire on the way. */
const EXPIRY_MARGIN_MS = 30_000;

/**
 * Reads a token answer leniently: `{token, expiresIn?, appKey?, accessToken?}` or applyToken's own
 * `{resultCode: "0", token}`. Anything else is `undefined`.
 */
export function readGrant(body: unknown): TokenGrant | undefined {
  if (!isRecord(body)) return undefined;
  const { token, resultCode } = body;
  if (typeof token !== 'string' || token === '') return undefined;
  if (resultCode !== undefined && String(resultCode) !== '0') return undefined;
  const expiresIn = Number(body.expiresIn);
  return {
    token,
    expiresIn: Number.isFinite(expiresIn) && expiresIn >= 0 ? expiresIn : undefined,
    appKey: nonEmptyString(body.appKey),
    accessToken: nonEmptyString(body.accessToken),
  };
}

/** POSTs `{context}` to the site's token endpoint with same-origin credentials. */
export async function requestGrant(
  endpoint: string,
  context: unknown,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<TokenGrant> {
  let answer;
  try {
    answer = await exchange(
      endpoint,
      {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ context: context ?? null }),
      },
      signal,
      timeoutMs,
    );
  } catch (error) {
    if (error instanceof CallFailure) throw new CallFailure('token', `Token endpoint: ${error.message}`);
    throw error;
  }
  if (answer.status < 200 || answer.status > 299) {
    throw new CallFailure('token', `Token endpoint answered HTTP ${answer.status}`, answer.status);
  }
  const grant = readGrant(parseJson(answer.body));
  if (!grant) throw new CallFailure('token', 'Token endpoint answered without a token', answer.status);
  return grant;
}

/** Calls a `tokenProvider`, bounded by `timeoutMs`; whatever goes wrong becomes reason 'token'. */
export async function provideGrant(
  provider: TokenProvider,
  context: unknown,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<TokenGrant> {
  const controller = new AbortController();
  const forwardAbort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', forwardAbort, { once: true });
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const body = await untilAborted(
      Promise.resolve().then(() => provider({ context, signal: controller.signal })),
      controller.signal,
    );
    const grant = readGrant(body);
    if (!grant) throw new CallFailure('token', 'tokenProvider resolved without a token');
    return grant;
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (error instanceof CallFailure) throw error;
    throw new CallFailure(
      'token',
      controller.signal.aborted
        ? `tokenProvider did not answer within ${timeoutMs} ms`
        : 'tokenProvider failed',
    );
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', forwardAbort);
  }
}

/**
 * Keeps one grant until shortly before it expires; concurrent callers share one request.
 * `load` runs with a signal that `dispose()` aborts.
 */
export class TokenCache {
  #grant?: TokenGrant;
  #validUntil = 0;
  #pending?: Promise<TokenGrant>;
  #loading?: AbortController;

  constructor(
    private readonly load: (signal: AbortSignal) => Promise<TokenGrant>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A valid grant: the cached one, the one being fetched, or a new fetch. */
  get(signal: AbortSignal): Promise<TokenGrant> {
    if (this.#grant && this.now() < this.#validUntil) return Promise.resolve(this.#grant);
    this.#pending ??= this.#fetch();
    return untilAborted(this.#pending, signal);
  }

  /** The cached grant, even if near expiry: for a last request while the page goes away. */
  peek(): TokenGrant | undefined {
    return this.#grant;
  }

  /** CEC rotated `grant`'s token in a response header: later requests send `token` instead. */
  rotate(grant: TokenGrant, token: string): void {
    if (this.#grant !== grant || token === grant.token) return;
    this.#grant = { ...grant, token, expiresIn: undefined };
    this.#validUntil = this.#expiry(undefined);
  }

  /** Forgets `grant` (CEC refused it); a newer grant stays. */
  invalidate(grant: TokenGrant): void {
    if (this.#grant === grant) this.#grant = undefined;
  }

  /** Forgets the grant and any fetch in flight, whose callers still get its result (configuration changed). */
  forget(): void {
    this.#grant = this.#pending = this.#loading = undefined;
  }

  /** Forgets everything and aborts a fetch in flight (the element was removed). */
  dispose(): void {
    this.#loading?.abort();
    this.forget();
  }

  /** When a grant that lives `expiresIn` seconds from now stops being reused. */
  #expiry(expiresIn = DEFAULT_LIFETIME_S): number {
    const lifetimeMs = expiresIn * 1000;
    return this.now() + lifetimeMs - Math.min(EXPIRY_MARGIN_MS, lifetimeMs / 5);
  }

  #fetch(): Promise<TokenGrant> {
    const loading = (this.#loading = new AbortController());
    const pending = this.load(loading.signal)
      .then((grant) => {
        if (this.#pending === pending) {
          this.#grant = grant;
          this.#validUntil = this.#expiry(grant.expiresIn);
        }
        return grant;
      })
      .finally(() => {
        if (this.#pending === pending) this.#pending = this.#loading = undefined;
      });
    // Callers see the rejection through get(); this only stops an abandoned fetch from reporting it twice.
    pending.catch(() => {});
    return pending;
  }
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
