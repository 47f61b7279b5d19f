import type { CallMedia } from '../state.js';
import { saysTimedOut } from './cec-answers.js';
import { CallFailure, exchange, type HttpAnswer } from './http.js';
import { endpointProvider, fetchGrant, TokenCache, type TokenGrant, type TokenProvider } from './token.js';

/** Where and how to reach CEC's click-to-dial API, and where the visitor's token comes from. */
export interface CecConfig {
  /** Prefix of the API, e.g. `/apiaccess/ccmessaging` or `https://host/apiaccess/ccmessaging`. */
  readonly apiBase: string;
  readonly channel: string;
  readonly timeoutMs: number;
  readonly tokenEndpoint?: string;
  readonly tokenProvider?: TokenProvider;
  readonly context: unknown;
  /** Logs a step (`debug` attribute): operation names and statuses only, never a token. */
  readonly debug?: (step: string, detail?: unknown) => void;
}

export type CecOperation = 'checkClickToCallSupport' | 'createClickToCall' | 'getClickToCallEvents' | 'dropClickToCall';

/** createClickToCall's `mediaAbility`: CEC's encoding of voice and video. */
export const mediaAbility: Readonly<Record<CallMedia, '0' | '1'>> = { voice: '0', video: '1' };

/**
 * CEC's four click-to-dial operations with the visitor's token: fetched and cached, sent as a header,
 * replaced when CEC rotates it, and fetched anew (with one retry) when CEC answers 401/403.
 */
export class CecClient {
  readonly #tokens = new TokenCache((signal) => this.#loadGrant(signal));
  #config: CecConfig = { apiBase: '', channel: '', timeoutMs: 0, context: undefined };

  /**
   * The configuration of the requests that follow, checked: `CallFailure('config')` when it cannot work,
   * before anything is sent. A different endpoint, provider or context than the cached token's drops it.
   */
  use(config: CecConfig): void {
    const { tokenEndpoint, tokenProvider, context, apiBase } = config;
    const previous = this.#config;
    if (tokenEndpoint !== previous.tokenEndpoint || tokenProvider !== previous.tokenProvider || context !== previous.context) {
      this.#tokens.forget();
    }
    this.#config = config;
    if (typeof tokenProvider !== 'function' && !tokenEndpoint) {
      throw new CallFailure('config', 'set the token-endpoint attribute or the tokenProvider property');
    }
    cecUrl(apiBase, 'createClickToCall');
  }

  /** Gets the token ahead of need (a cached valid one costs nothing); failures wait for a real request. */
  prefetchToken(signal: AbortSignal): void {
    this.#tokens.get(signal).catch(() => {});
  }

  /**
   * GET `operation?channel=…` without `body`, else POST `{channel, ...body}`, within `timeoutMs` (default: the
   * `timeout` setting). A 401/403 fetches a new token and sends once more, except after a 403 that says the
   * request timed out (cec-api.md §4): CEC may have acted on it, so it is not sent twice.
   */
  async send(operation: CecOperation, body: Record<string, string> | undefined, signal: AbortSignal, timeoutMs?: number): Promise<HttpAnswer> {
    let grant = await this.#tokens.get(signal);
    let answer = await this.#exchange(grant, operation, body, signal, timeoutMs);
    if ((answer.status === 401 || answer.status === 403) && !saysTimedOut(answer)) {
      this.#tokens.invalidate(grant);
      grant = await this.#tokens.get(signal);
      answer = await this.#exchange(grant, operation, body, signal, timeoutMs);
    }
    return answer;
  }

  /** A last POST that outlives the page (`keepalive`), with the token already at hand; errors are ignored. */
  sendOnExit(operation: CecOperation, body: Record<string, string>): void {
    const grant = this.#tokens.peek();
    if (!grant) return;
    try {
      const { url, init } = this.#request(grant, operation, body);
      fetch(url, { ...init, keepalive: true }).catch(() => {});
    } catch {
      // An unusable api-base: there is nothing to drop.
    }
  }

  dispose(): void {
    this.#tokens.dispose();
  }

  async #exchange(
    grant: TokenGrant,
    operation: CecOperation,
    body: Record<string, string> | undefined,
    signal: AbortSignal,
    timeoutMs = this.#config.timeoutMs,
  ): Promise<HttpAnswer> {
    const { url, init } = this.#request(grant, operation, body);
    const answer = await exchange(url, init, signal, timeoutMs);
    this.#config.debug?.(`${operation} → HTTP ${answer.status}`);
    const rotated = answer.headers.get('ccmessaging-token');
    if (rotated) this.#tokens.rotate(grant, rotated);
    return answer;
  }

  #request(grant: TokenGrant, operation: CecOperation, body: Record<string, string> | undefined) {
    const { apiBase, channel } = this.#config;
    const url = cecUrl(apiBase, operation);
    const headers = cecHeaders(grant);
    const init: RequestInit = body
      ? { method: 'POST', headers, body: JSON.stringify({ channel, ...body }) }
      : { method: 'GET', headers };
    return { url: body ? url : `${url}?channel=${encodeURIComponent(channel)}`, init };
  }

  #loadGrant(signal: AbortSignal): Promise<TokenGrant> {
    const { tokenProvider, tokenEndpoint, context, timeoutMs, debug } = this.#config;
    const provider = typeof tokenProvider === 'function' ? tokenProvider : endpointProvider(tokenEndpoint ?? '');
    debug?.('token requested');
    return fetchGrant(provider, context, signal, timeoutMs);
  }
}

/** Absolute URL of `{apiBase}/v1/{operation}`; an unusable `apiBase` is a configuration error. */
export function cecUrl(apiBase: string, operation: CecOperation): string {
  let url: URL;
  try {
    url = new URL(`${apiBase.replace(/\/+$/, '')}/v1/${operation}`, document.baseURI);
  } catch {
    throw new CallFailure('config', `api-base "${apiBase}" is not a valid URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CallFailure('config', `api-base must be an http(s) URL or a path, not "${url.protocol}"`);
  }
  return url.href;
}

/** The headers CEC wants: the visitor's token always, gateway credentials only when the site supplied them. */
function cecHeaders(grant: TokenGrant): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'ccmessaging-token': grant.token,
  };
  if (grant.appKey) headers['x-app-key'] = grant.appKey;
  if (grant.accessToken) headers.Authorization = `Bearer ${grant.accessToken}`;
  return headers;
}
