import { endpointProvider, fetchGrant, TokenCache, type TokenGrant, type TokenSettings } from './token.js';

const NAME = 'click-to-call:token';

interface Message {
  readonly key?: string;
  readonly hello?: true;
  readonly grant?: TokenGrant;
  readonly expiresAt?: number;
}

const byIdentity = new Map<unknown, VisitorToken>();
const byKey = new Map<string, VisitorToken>();
/** Grants other tabs posted for tokens this page has not used yet. */
const heard = new Map<string, Message>();
let channel: BroadcastChannel | undefined;

/**
 * The visitor's token for one token endpoint (or provider), shared by every element of the page and kept in step
 * with the other tabs of the origin: CEC keeps only a visitor's newest token (cec-api.md §4), so separate caches
 * would keep invalidating each other. A grant fetched or rotated in one tab is posted to the others
 * (BroadcastChannel), which use it from then on; a tab that opens asks the others for theirs; once tabs share a
 * token, its fetches run under a Web Lock, so tabs that need a new one at the same time fetch it once.
 */
export class VisitorToken extends TokenCache {
  #settings: TokenSettings = { context: undefined, timeoutMs: 0 };
  /** Another tab has had this token: fetches are then coordinated with the others. */
  #shared = false;
  /** The elements that use it: when the last one leaves the page, the token goes too. */
  readonly #users = new Set<object>();

  private constructor(private readonly key: string) {
    super((signal) => this.#load(signal));
    const message = heard.get(key);
    if (message) this.hear(message);
  }

  /** The page's token for the endpoint or provider `settings` name, used by `user`, with `settings` for its next fetches. */
  static for(settings: TokenSettings, user: object): VisitorToken {
    const provider = typeof settings.tokenProvider === 'function' ? settings.tokenProvider : undefined;
    const identity = provider ?? new URL(settings.tokenEndpoint ?? '', document.baseURI).href;
    let token = byIdentity.get(identity);
    if (!token) {
      token = new VisitorToken(provider ? 'provider' : (identity as string));
      byIdentity.set(identity, token);
      byKey.set(token.key, token);
    }
    token.#users.add(user);
    token.use(settings);
    return token;
  }

  /** `user` (an element) no longer needs it: with no user left, a fetch in flight stops and the token is dropped. */
  leave(user: object): void {
    if (this.#users.delete(user) && !this.#users.size) this.dispose();
  }

  /** A different context than the cached token's drops it (for every element that shares it). */
  use(settings: TokenSettings): void {
    if (settings.context !== this.#settings.context) this.forget();
    this.#settings = settings;
  }

  /** Gets the token ahead of need (a cached valid one costs nothing); failures wait for a real request. */
  prefetch(signal: AbortSignal): void {
    this.get(signal).catch(() => {});
  }

  /** Another tab's grant: used from now on, while it is valid, unless this page has a newer one. */
  hear({ grant, expiresAt = 0 }: Message): void {
    this.#shared = true;
    // Fetched later lives longer: an older grant (CEC may have replaced it already) is not taken back.
    if (!grant || expiresAt <= Math.max(Date.now(), this.expiresAt)) return;
    this.adopt(grant, expiresAt);
  }

  /** What this page can tell a tab that asks. */
  answer(): void {
    const grant = this.#users.size ? this.fresh() : undefined;
    if (grant) channel?.postMessage({ key: this.key, grant, expiresAt: this.expiresAt });
  }

  protected override granted(grant: TokenGrant): void {
    channel?.postMessage({ key: this.key, grant, expiresAt: this.expiresAt });
  }

  #load(signal: AbortSignal): Promise<TokenGrant> {
    const { locks } = navigator;
    if (!this.#shared || !locks) return this.#fetch(signal);
    // A tab that fetched while this one waited for the lock has posted its grant: no second fetch.
    return locks.request(`${NAME}:${this.key}`, { signal }, () => this.fresh() ?? this.#fetch(signal));
  }

  #fetch(signal: AbortSignal): Promise<TokenGrant> {
    const { tokenProvider, tokenEndpoint, context, timeoutMs, debug } = this.#settings;
    const provider = typeof tokenProvider === 'function' ? tokenProvider : endpointProvider(tokenEndpoint ?? '');
    debug?.('token requested');
    return fetchGrant(provider, context, signal, timeoutMs);
  }
}

/**
 * Joins the other tabs, once per page, as soon as an element is created (no request: BroadcastChannel stays in
 * the browser, same origin only): asks for their tokens, and answers their questions.
 */
export function joinOtherTabs(): void {
  if (channel || typeof BroadcastChannel !== 'function') return;
  channel = new BroadcastChannel(NAME);
  channel.onmessage = ({ data }: MessageEvent<Message>) => {
    if (data?.hello) return byKey.forEach((token) => token.answer());
    if (!data?.key) return;
    const token = byKey.get(data.key);
    if (token) token.hear(data);
    else heard.set(data.key, data);
  };
  channel.postMessage({ hello: true });
}
