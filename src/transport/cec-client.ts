import { mediaAbility, type CallMedia, type Outcome } from '../state.js';
import { CallFailure, exchange, isRecord, parseJson } from './http.js';
import type { TokenGrant } from './token.js';

/** Where and how to reach CEC's click-to-dial API. */
export interface CecEndpoint {
  /** Prefix of the API, e.g. `/apiaccess/ccmessaging` or `https://host/apiaccess/ccmessaging`. */
  readonly apiBase: string;
  readonly channel: string;
  readonly timeoutMs: number;
}

/** Absolute URL of `{apiBase}/v1/{operation}`; an unusable `apiBase` is a configuration error. */
export function cecUrl(apiBase: string, operation: string): string {
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
export function cecHeaders(grant: TokenGrant): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'ccmessaging-token': grant.token,
  };
  if (grant.appKey) headers['x-app-key'] = grant.appKey;
  if (grant.accessToken) headers.Authorization = `Bearer ${grant.accessToken}`;
  return headers;
}

/** `POST {apiBase}/v1/createClickToCall`; network faults reject with `CallFailure`, every answer resolves. */
export async function createClickToCall(
  endpoint: CecEndpoint,
  grant: TokenGrant,
  media: CallMedia,
  signal: AbortSignal,
): Promise<Outcome> {
  const answer = await exchange(
    cecUrl(endpoint.apiBase, 'createClickToCall'),
    {
      method: 'POST',
      headers: cecHeaders(grant),
      body: JSON.stringify({ channel: endpoint.channel, mediaAbility: mediaAbility[media] }),
    },
    signal,
    endpoint.timeoutMs,
  );
  return interpretCreateAnswer(answer.status, answer.body);
}

/**
 * Maps any HTTP status and body to one outcome. Success is decided on `resultCode` as a string only;
 * `resultDesc` is also read from the `"resultDesc:"` key Huawei's documented example has.
 */
export function interpretCreateAnswer(status: number, body: string): Outcome {
  if (status === 401 || status === 403) {
    return { type: 'error', reason: 'auth', status, message: `CEC refused the token (HTTP ${status})` };
  }
  if (status < 200 || status > 299) {
    return { type: 'error', reason: 'http', status, message: `CEC answered HTTP ${status}` };
  }
  const json = parseJson(body);
  const resultCode = isRecord(json) ? readResultCode(json.resultCode) : undefined;
  if (!isRecord(json) || resultCode === undefined) {
    return { type: 'error', reason: 'protocol', message: 'CEC answered createClickToCall without a resultCode' };
  }
  const description = json.resultDesc ?? json['resultDesc:'];
  const resultDesc = typeof description === 'string' ? description : '';
  if (resultCode === '0') return { type: 'started', resultCode, resultDesc };
  if (resultCode === '13') return { type: 'no-agents', resultCode, resultDesc };
  return {
    type: 'error',
    reason: 'rejected',
    resultCode,
    resultDesc,
    message: `CEC rejected the call: resultCode ${resultCode}${resultDesc ? ` (${resultDesc})` : ''}`,
  };
}

/** `"0"` and `0` both read as `"0"`; anything that is not a string or a finite number is no resultCode. */
function readResultCode(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}
