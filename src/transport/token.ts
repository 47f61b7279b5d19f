import { bounded, CallFailure, isRecord, parseJson, untilAborted } from './http.js';

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

/** The `token-endpoint` as a provider: POSTs `{context}` as JSON with same-origin credentials. */
export function endpointProvider(endpoint: string): TokenProvider {
  return async ({ context, signal }) => {
    const response = await fetch(endpoint, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ context: context ?? null }),
      signal,
    });
    if (!response.ok) throw new CallFailure('token', `the token endpoint answered HTTP ${response.status}`, response.status);
    return parseJson(await response.text());
  };
}

/** Asks `provider` for a grant within `timeoutMs`; whatever goes wrong (but an abort) is `CallFailure('token')`. */
export async function fetchGrant(
  provider: TokenProvider,
  context: unknown,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<TokenGrant> {
  let grant;
  try {
    grant = readGrant(await bounded((bound) => provider({ context, signal: bound }), signal, timeoutMs));
  } catch (error) {
    if (signal.aborted) throw error;
    const { message = 'the token request failed', status } = error instanceof CallFailure ? error : {};
    throw new CallFailure('token', message, status);
  }
  if (!grant) throw new CallFailure('token', 'the token answer has no token');
  return grant;
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
  /** Callers waiting for each load in flight: when the last one gives up, so does the load. */
  readonly #waiting = new WeakMap<Promise<TokenGrant>, number>();

  constructor(
    private readonly load: (signal: AbortSignal) => Promise<TokenGrant>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A valid grant: the cached one, the one being fetched, or a new fetch. */
  get(signal: AbortSignal): Promise<TokenGrant> {
    const fresh = this.fresh();
    if (fresh) return Promise.resolve(fresh);
    const pending = (this.#pending ??= this.#fetch());
    this.#waiting.set(pending, (this.#waiting.get(pending) ?? 0) + 1);
    return untilAborted(pending, signal).finally(() => {
      const waiting = this.#waiting.get(pending)! - 1;
      this.#waiting.set(pending, waiting);
      if (!waiting && signal.aborted && this.#pending === pending) this.dispose();
    });
  }

  /** The cached grant while it can still be used, else `undefined`. */
  fresh(): TokenGrant | undefined {
    return this.#grant && this.now() < this.#validUntil ? this.#grant : undefined;
  }

  /** A grant fetched elsewhere (another tab), usable until `expiresAt` (`Date.now()` time): later requests send it. */
  adopt(grant: TokenGrant, expiresAt: number): void {
    this.#grant = grant;
    this.#validUntil = this.now() + expiresAt - Date.now();
  }

  /** When the cached grant stops being reused, as `Date.now()` time (0 before the first). */
  get expiresAt(): number {
    return this.#validUntil && Date.now() + this.#validUntil - this.now();
  }

  /** A grant was fetched or rotated here (usable until `expiresAt`). */
  protected granted(_grant: TokenGrant): void {}

  /** The cached grant, even if near expiry: for a last request while the page goes away. */
  peek(): TokenGrant | undefined {
    return this.#grant;
  }

  /** CEC rotated `grant`'s token in a response header: later requests send `token` instead. */
  rotate(grant: TokenGrant, token: string): void {
    if (this.#grant !== grant || token === grant.token) return;
    this.#grant = { ...grant, token, expiresIn: undefined };
    this.#validUntil = this.#expiry(undefined);
    this.granted(this.#grant);
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
        if (this.#pending === pending && grant !== this.#grant) {
          this.#grant = grant;
          this.#validUntil = this.#expiry(grant.expiresIn);
          this.granted(grant);
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

/** What a token is fetched with: the element's endpoint or provider and context, within its timeout. */
export interface TokenSettings {
  readonly tokenEndpoint?: string;
  readonly tokenProvider?: TokenProvider;
  readonly context: unknown;
  readonly timeoutMs: number;
  /** Logs a step (`debug` attribute); never the token. */
  readonly debug?: (step: string, detail?: unknown) => void;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
