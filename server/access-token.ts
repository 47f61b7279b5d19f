import { Refusal } from './http.js';
import { RedisUnavailable } from './redis-link.js';

/** A refused AccessToken younger than this is not renewed: the refusal was about the visitor's own token. */
export const RENEWAL_INTERVAL_MS = 30_000;
/** After a failed tokenByAkSk, the next waits 1 s, then 2, 4… up to 30 s. */
export const BACKOFF_MAX_MS = 30_000;
/** The wait after `failures` failed tokenByAkSk calls in a row. */
export const backoffAfter = (failures: number): number => Math.min(1_000 * 2 ** (failures - 1), BACKOFF_MAX_MS);
/** An AccessToken this close to its end is renewed first (a fifth of its lifetime, if shorter). */
const EXPIRY_MARGIN_S = 60;

/** An AccessToken, when to renew it and when it ends (epoch milliseconds). */
export interface Held {
  readonly token: string;
  readonly renewAt: number;
  readonly expiresAt: number;
}

/** Where many instances agree on one AccessToken (Redis); any of its methods may throw RedisUnavailable. */
export interface SharedTokens {
  /** The token every instance uses, if one lives. */
  current(): Promise<Held | undefined>;
  /**
   * A token other than `stale` and not due for renewal: fetched here with `fetch`, under a lock that only one
   * instance holds at a time, or the one the holder fetched.
   */
  renew(stale: string | undefined, fetch: () => Promise<Held>): Promise<Held>;
  /** Whether a renewal after a refusal may start: none was tried by any instance in the last 30 s. */
  claimRenewal(): Promise<boolean>;
}

/** tokenByAkSk is not called now: the last call failed, and the back-off has not run out (or another instance is stuck). */
export class WaitingAfterFailure extends Refusal {
  constructor(waitMs: number, detail = 'tokenByAkSk: waiting after a failure') {
    super(503, 'unavailable', 'CEC is unavailable', { 'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))) }, detail);
  }
}

/**
 * The gateway's AccessToken: one tokenByAkSk at a time however many requests wait, cached until shortly
 * before it expires, failures backed off for every waiter alike. CEC's 401/403 cannot tell a refused
 * AccessToken from a refused (or forged) visitor token, so a refusal renews at most once per 30 s, and the
 * held token stays in use until a new one has arrived. With `shared` (Redis), all of that holds across every
 * instance; while Redis is unreachable, each instance goes on alone.
 */
export class AccessTokens {
  #current: Held | undefined;
  #pending: Promise<string> | undefined;
  #lastAttemptAt = -Infinity;
  #failures = 0;
  #retryAt = 0;

  constructor(
    private readonly fetchToken: () => Promise<{ token: string; lifetime: number }>,
    private readonly onFailure: (error: unknown, retryInMs: number) => void,
    private readonly shared?: SharedTokens,
  ) {}

  /** The token to send; past its renewal time a fresh one, or the old one while renewal fails and it still lives. */
  async get(): Promise<string> {
    const held = this.#current;
    if (held && Date.now() < held.renewAt) return held.token;
    try {
      return await this.#load(held?.token);
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
    // Another instance's newer token first: CEC may refuse the older one once a new one exists.
    const shared = await this.shared?.current().catch(whenRedisDown(undefined));
    if (shared && shared.token !== refused) return (this.#current = shared).token;
    if (Date.now() - this.#lastAttemptAt < RENEWAL_INTERVAL_MS) return undefined;
    if (this.shared && !(await this.shared.claimRenewal().catch(whenRedisDown(true)))) return undefined;
    return this.#load(refused).catch(() => undefined);
  }

  /** A fresh token, `stale` being the one to replace; one load at a time in this process. */
  #load(stale?: string): Promise<string> {
    if (this.#pending) return this.#pending;
    const wait = this.#retryAt - Date.now();
    if (wait > 0) return Promise.reject(new WaitingAfterFailure(wait));
    this.#lastAttemptAt = Date.now();
    const fetchHeld = () =>
      this.fetchToken().then(({ token, lifetime }): Held => {
        const now = Date.now();
        const margin = Math.min(EXPIRY_MARGIN_S, lifetime / 5);
        return { token, renewAt: now + (lifetime - margin) * 1000, expiresAt: now + lifetime * 1000 };
      });
    // Redis going away midway: this instance renews on its own.
    const obtained = this.shared ? this.shared.renew(stale, fetchHeld).catch(whenRedisDown(undefined)).then((held) => held ?? fetchHeld()) : fetchHeld();
    this.#pending = obtained
      .then(
        (held) => {
          this.#failures = 0;
          this.#retryAt = 0;
          this.#current = held;
          return held.token;
        },
        (error: unknown) => {
          // Another instance's failure: its back-off is shared, and it was logged there.
          if (error instanceof WaitingAfterFailure) throw error;
          const backoff = backoffAfter(++this.#failures);
          this.#retryAt = Date.now() + backoff;
          this.onFailure(error, backoff);
          throw error;
        },
      )
      .finally(() => (this.#pending = undefined));
    return this.#pending;
  }
}

/** A rejection handler: `fallback` when Redis is unreachable (this instance decides alone), else the error again. */
const whenRedisDown =
  <T>(fallback: T) =>
  (error: unknown): T => {
    if (error instanceof RedisUnavailable) return fallback;
    throw error;
  };
