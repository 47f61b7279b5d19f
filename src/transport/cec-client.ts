import type { CallMedia } from '../state.js';
import { saysTimedOut } from './cec-answers.js';
import { CallFailure, exchange, type HttpAnswer } from './http.js';
import type { TokenGrant, TokenSettings } from './token.js';
import type { VisitorToken } from './visitor-token.js';

/** Where and how to reach CEC's click-to-dial API, and where the visitor's token comes from. */
export interface CecConfig extends TokenSettings {
  /** Prefix of the API, e.g. `/apiaccess/ccmessaging` or `https://host/apiaccess/ccmessaging`. */
  readonly apiBase: string;
  readonly channel: string;
  /** Why the configuration cannot work (settings.ts): nothing is sent then. */
  readonly problem?: string;
}

/** The four click-to-dial operations (under `v1/`), and the three around a call: a message, the survey and a rating. */
export type CecOperation =
  | 'checkClickToCallSupport'
  | 'createClickToCall'
  | 'getClickToCallEvents'
  | 'dropClickToCall'
  | 'doLeaveMessage'
  | 'getsatisfactionsurveymode'
  | 'saveSatisfaction';

/** createClickToCall's `mediaAbility`: CEC's encoding of voice and video. */
export const mediaAbility: Readonly<Record<CallMedia, '0' | '1'>> = { voice: '0', video: '1' };

/**
 * CEC's operations with the visitor's token: fetched and cached, sent as a header,
 * replaced when CEC rotates it, and fetched anew (with one retry) when CEC answers 401/403.
 */
export class CecClient {
  #config: CecConfig = { apiBase: '', channel: '', timeoutMs: 0, context: undefined };
  /** The page's token for the configured endpoint or provider (a first click may be fetching it already). */
  tokens?: VisitorToken;

  /** `tokenFor`: the page's one token per endpoint or provider (visitor-token.ts, in the core bundle). */
  constructor(private readonly tokenFor: (settings: TokenSettings) => VisitorToken) {}

  /**
   * The configuration of the requests that follow: `CallFailure('config')` when it cannot work, before anything
   * is sent. A different endpoint, provider or context than the cached token's drops it.
   */
  use(config: CecConfig): void {
    if (config.problem) throw new CallFailure('config', config.problem);
    this.tokens = this.tokenFor(config);
    this.#config = config;
  }

  /** Gets the token ahead of need (a cached valid one costs nothing); failures wait for a real request. */
  prefetchToken(signal: AbortSignal): void {
    this.tokens?.prefetch(signal);
  }

  /**
   * GET `operation?channel=…` without `body`, else POST `{channel, ...body}`, within `timeoutMs` (default: the
   * `timeout` setting). A 401/403 fetches a new token and sends once more, except after a 403 that says the
   * request timed out (cec-api.md §4): CEC may have acted on it, so it is not sent twice.
   */
  async send(operation: CecOperation, body: Record<string, unknown> | undefined, signal: AbortSignal, timeoutMs?: number): Promise<HttpAnswer> {
    const tokens = this.tokens!;
    let grant = await tokens.get(signal);
    let answer = await this.#exchange(grant, operation, body, signal, timeoutMs);
    if ((answer.status === 401 || answer.status === 403) && !saysTimedOut(answer)) {
      tokens.invalidate(grant);
      grant = await tokens.get(signal);
      answer = await this.#exchange(grant, operation, body, signal, timeoutMs);
    }
    return answer;
  }

  /** A last POST that outlives the page (`keepalive`), with the token already at hand; errors are ignored. */
  sendOnExit(operation: CecOperation, body: Record<string, unknown>): void {
    const grant = this.tokens?.peek();
    if (!grant) return;
    try {
      const { url, init } = this.#request(grant, operation, body);
      fetch(url, { ...init, keepalive: true }).catch(() => {});
    } catch {
      // An unusable api-base: there is nothing to drop.
    }
  }

  async #exchange(
    grant: TokenGrant,
    operation: CecOperation,
    body: Record<string, unknown> | undefined,
    signal: AbortSignal,
    timeoutMs = this.#config.timeoutMs,
  ): Promise<HttpAnswer> {
    const { url, init } = this.#request(grant, operation, body);
    const answer = await exchange(url, init, signal, timeoutMs);
    this.#config.debug?.(`${operation} → HTTP ${answer.status}`);
    const rotated = answer.headers.get('ccmessaging-token');
    if (rotated) this.tokens?.rotate(grant, rotated);
    return answer;
  }

  #request(grant: TokenGrant, operation: CecOperation, body: Record<string, unknown> | undefined) {
    const { apiBase, channel } = this.#config;
    const url = cecUrl(apiBase, operation);
    const headers = cecHeaders(grant);
    const init: RequestInit = body
      ? { method: 'POST', headers, body: JSON.stringify({ channel, ...body }) }
      : { method: 'GET', headers };
    return { url: body ? url : `${url}?channel=${encodeURIComponent(channel)}`, init };
  }
}

/** Absolute URL of `{apiBase}/v1/{operation}`, or `{apiBase}/{operation}` for those CEC serves without `v1/`. */
function cecUrl(apiBase: string, operation: CecOperation): string {
  return new URL(`${apiBase.replace(/\/+$/, '')}/${operation.includes('ClickToCall') ? 'v1/' : ''}${operation}`, document.baseURI).href;
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
