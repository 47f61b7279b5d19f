import type { Outcome } from '../state.js';
import { CallFailure, isRecord, parseJson, type HttpAnswer } from './http.js';

/** The WebRTC gateway CEC hands over when an agent is connected (cec-api.md §7). */
export interface Gateway {
  readonly domain: string;
  readonly gwAddresses: readonly string[];
  readonly accessCode: string;
  readonly clickToCallCaller: string;
}

/** What one getClickToCallEvents answer means for the call. */
export type CallEvent =
  | { readonly type: 'none' | 'queued' | 'ended' }
  | ({ readonly type: 'connected' } & Gateway)
  | { readonly type: 'failed'; readonly reason: 'queue-timeout' | 'failed'; readonly causeId?: string; readonly causeDesc?: string };

/** The only eventId Huawei documents. */
const CONNECTED_EVENT_ID = '168101';

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
  const resultCode = isRecord(json) ? readResultCode(json) : undefined;
  if (!isRecord(json) || resultCode === undefined) {
    return { type: 'error', reason: 'protocol', message: 'CEC answered createClickToCall without a resultCode' };
  }
  const resultDesc = readResultDesc(json);
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

/** `true`/`false` from checkClickToCallSupport, or `undefined` when the answer says neither. */
export function readSupport({ status, body }: HttpAnswer): boolean | undefined {
  const json = okJson(status, body);
  const supported = json && readResultCode(json) === '0' ? String(json.clickToCallSupported) : '';
  return supported === 'true' ? true : supported === 'false' ? false : undefined;
}

/**
 * Reads getClickToCallEvents: `eventId` 168101 is connected; otherwise the documented `resultDesc` texts,
 * case-insensitively. Unknown texts are `none`. A failed request throws `CallFailure`.
 */
export function readCallEvent({ status, body }: HttpAnswer): CallEvent {
  const json = okJson(status, body);
  if (!json) throw new CallFailure(status >= 200 && status < 300 ? 'protocol' : 'http', 'getClickToCallEvents failed', status);
  if (readResultCode(json) !== '0') throw new CallFailure('rejected', `getClickToCallEvents answered resultCode ${readResultCode(json)}`);
  const description = readResultDesc(json).toLowerCase().replace(/\s+/g, ' ').trim();
  const content = isRecord(json.content) ? json.content : {};
  if (String(json.eventId) === CONNECTED_EVENT_ID || description === 'call connected') {
    const addresses = content.gwAddresses;
    return {
      type: 'connected',
      domain: text(content.domain),
      gwAddresses: (Array.isArray(addresses) ? addresses : [addresses]).map(text).filter(Boolean),
      accessCode: text(content.accessCode),
      clickToCallCaller: text(content.clickToCallCaller),
    };
  }
  if (description === 'call in queue') return { type: 'queued' };
  if (description === 'call disconnected') return { type: 'ended' };
  if (description === 'call queued timeout') return { type: 'failed', reason: 'queue-timeout' };
  if (description === 'call failed') {
    const cause = { causeId: text(content.causeId) || undefined, causeDesc: text(content.causeDesc) || undefined };
    return { type: 'failed', reason: 'failed', ...cause };
  }
  return { type: 'none' };
}

/** dropClickToCall succeeded only on resultCode "0" ("13" is Huawei's "disconnect failed"). */
export function dropSucceeded({ status, body }: HttpAnswer): boolean {
  const json = okJson(status, body);
  return json !== undefined && readResultCode(json) === '0';
}

function okJson(status: number, body: string): Record<string, unknown> | undefined {
  const json = status >= 200 && status < 300 ? parseJson(body) : undefined;
  return isRecord(json) ? json : undefined;
}

/** `"0"` and `0` both read as `"0"`; anything that is not a string or a finite number is no resultCode. */
function readResultCode(json: Record<string, unknown>): string | undefined {
  const value = json.resultCode;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function readResultDesc(json: Record<string, unknown>): string {
  const description = json.resultDesc ?? json['resultDesc:'];
  return typeof description === 'string' ? description : '';
}

/** Strings as they are, numbers as text, anything else as ''. */
function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}
