import { Refusal } from './http.js';

/** A refused AccessToken younger than this is not renewed: the refusal was about the visitor's own token. */
export const RENEWAL_INTERVAL_MS = 30_000;
/** After a failed tokenByAkSk, the next waits 1 s, then 2, 4… up to 30 s. */
const BACKOFF_FIRST_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;
/** An AccessToken this close to its end is renewed first (a fifth of its lifetime, if shorter). */
const EXPIRY_MARGIN_S = 60;

interface Held {
  readonly token: string;
  readonly renewAt: number;
  readonly expiresAt: number;
}

/**
 * The gateway's AccessToken: one tokenByAkSk at a time however many requests wait, cached until shortly
 * before it expires, failures backed off for every waiter alike. CEC's 401/403 cannot tell a refused
 * AccessToken from a refused (or forged) visitor token, so a refusal renews at most once per 30 s, and the
 * held token stays in use until a new one has arrived.
 */
export class AccessTokens {
  #current: Held | undefined;
  /** The token before the current one, still in flight in some requests: redacted from logs too. */
  #previous: string | undefined;
  #pending: Promise<string> | undefined;
  #lastAttemptAt = -Infinity;
  #failures = 0;
  #retryAt = 0;

  constructor(
    private readonly fetchToken: () => Promise<{ token: string; lifetime: number }>,
    private readonly onFailure: (error: unknown, retryInMs: number) => void,
  ) {}

  /** The token to send; past its renewal time a fresh one, or the old one while renewal fails and it still lives. */
  async get(): Promise<string> {
    const held = this.#current;
    if (held && Date.now() < held.renewAt) return held.token;
    try {
      return await this.#load();
    } catch (error) {
      if (held && held === this.#current && Date.now() < held.expiresAt) return held.token;
      throw error;
    }
  }

  /**
   * CEC refused `refused`: the token to retry with, or `undefined` when the refusal goes back to the browser
   * (the last tokenByAkSk is younger than 30 s, so the visitor's token is what CEC refused; or it failed).
   */
  async renewAfterRefusal(refused: string): Promise<string | undefined> {
    if (this.#pending) return this.#pending.catch(() => undefined);
    if (this.#current && this.#current.token !== refused) return this.#current.token;
    if (Date.now() - this.#lastAttemptAt < RENEWAL_INTERVAL_MS) return undefined;
    return this.#load().catch(() => undefined);
  }

  /** The AccessTokens a log line must never show. */
  known(): string[] {
    return [this.#current?.token, this.#previous].filter((token): token is string => Boolean(token));
  }

  #load(): Promise<string> {
    if (this.#pending) return this.#pending;
    const wait = this.#retryAt - Date.now();
    if (wait > 0) {
      const retryAfter = { 'Retry-After': String(Math.ceil(wait / 1000)) };
      return Promise.reject(new Refusal(503, 'unavailable', 'CEC is unavailable', retryAfter, 'tokenByAkSk: waiting after a failure'));
    }
    this.#lastAttemptAt = Date.now();
    this.#pending = this.fetchToken()
      .then(
        ({ token, lifetime }) => {
          this.#failures = 0;
          this.#retryAt = 0;
          this.#previous = this.#current?.token ?? this.#previous;
          const now = Date.now();
          const margin = Math.min(EXPIRY_MARGIN_S, lifetime / 5);
          this.#current = { token, renewAt: now + (lifetime - margin) * 1000, expiresAt: now + lifetime * 1000 };
          return token;
        },
        (error: unknown) => {
          const backoff = Math.min(BACKOFF_FIRST_MS * 2 ** this.#failures++, BACKOFF_MAX_MS);
          this.#retryAt = Date.now() + backoff;
          this.onFailure(error, backoff);
          throw error;
        },
      )
      .finally(() => (this.#pending = undefined));
    return this.#pending;
  }
}
