import type { Outcome } from '../state.js';
import { CallFailure, isRecord, parseJson, type HttpAnswer } from './http.js';

/** The WebRTC gateway CEC hands over when an agent is connected (cec-api.md §7). */
export interface Gateway {
  readonly domain: string;
  readonly gwAddresses: readonly string[];
  readonly accessCode: string;
  readonly clickToCallCaller: string;
}

/** Why CEC failed a call, as getClickToCallEvents says. */
export interface CecFailure {
  readonly reason: 'queue-timeout' | 'failed';
  readonly causeId?: string;
  readonly causeDesc?: string;
}

/** What one getClickToCallEvents answer means for the call. */
export type CallEvent =
  | { readonly type: 'none' | 'queued' | 'ended' }
  | { readonly type: 'connected'; readonly gateway: Gateway }
  | { readonly type: 'failed'; readonly failure: CecFailure };

/** A 2xx JSON object answer, read leniently; `undefined` for anything else. */
interface CecAnswer {
  readonly json: Record<string, unknown>;
  /** `"0"` and `0` both read as `"0"`; `undefined` unless a string or a finite number. */
  readonly resultCode?: string;
  /** `resultDesc`, or the `"resultDesc:"` key Huawei's documented example has; `''` when neither is a string. */
  readonly resultDesc: string;
}

function read({ status, body }: HttpAnswer): CecAnswer | undefined {
  const json = status > 199 && status < 300 ? parseJson(body) : undefined;
  if (!isRecord(json)) return undefined;
  const code = json.resultCode;
  const description = json.resultDesc ?? json['resultDesc:'];
  return {
    json,
    resultCode: typeof code === 'string' || (typeof code === 'number' && isFinite(code)) ? String(code) : undefined,
    resultDesc: typeof description === 'string' ? description : '',
  };
}

/** Maps any answer to createClickToCall to one outcome, deciding on `resultCode` as a string only. */
export function interpretCreateAnswer(answer: HttpAnswer): Outcome {
  const { status } = answer;
  if (status === 401 || status === 403) return { type: 'error', reason: 'auth', status, message: `CEC refused the token (HTTP ${status})` };
  if (status < 200 || status > 299) return { type: 'error', reason: 'http', status, message: `CEC answered HTTP ${status}` };
  const { resultCode, resultDesc = '' } = read(answer) ?? {};
  if (resultCode === undefined) return { type: 'error', reason: 'protocol', message: 'CEC answered without a resultCode' };
  if (resultCode === '0') return { type: 'started', resultCode, resultDesc };
  if (resultCode === '13') return { type: 'no-agents', resultCode, resultDesc };
  return { type: 'error', reason: 'rejected', resultCode, resultDesc, message: `CEC rejected the call: resultCode ${resultCode}` };
}

/** checkClickToCallSupport: `true`/`false`, or `undefined` when the answer says neither. */
export function readSupport(answer: HttpAnswer): boolean | undefined {
  const support = read(answer);
  const supported = support?.resultCode === '0' ? String(support.json.clickToCallSupported) : '';
  return supported === 'true' || (supported === 'false' ? false : undefined);
}

/** dropClickToCall succeeded only on resultCode "0" ("13" is Huawei's "disconnect failed"). */
export function dropSucceeded(answer: HttpAnswer): boolean {
  return read(answer)?.resultCode === '0';
}

/**
 * getClickToCallEvents: `eventId` 168101 (the only one documented) is connected; otherwise the documented
 * `resultDesc` texts, case-insensitively; unknown texts are `none`. A failed request throws `CallFailure`.
 */
export function readCallEvent(answer: HttpAnswer): CallEvent {
  const { json, resultCode, resultDesc } = read(answer) ?? {};
  if (resultCode !== '0') throw new CallFailure('http', `getClickToCallEvents failed (HTTP ${answer.status})`);
  const said = resultDesc!.toLowerCase().replace(/\s+/g, ' ').trim();
  const content = isRecord(json!.content) ? json!.content : {};
  const text = (key: string) => {
    const value = content[key];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  };
  if (String(json!.eventId) === '168101' || said === 'call connected') {
    const addresses = [content.gwAddresses].flat();
    const gateway = {
      domain: text('domain'),
      gwAddresses: addresses.filter((address): address is string => typeof address === 'string' && address !== ''),
      accessCode: text('accessCode'),
      clickToCallCaller: text('clickToCallCaller'),
    };
    return { type: 'connected', gateway };
  }
  if (said === 'call failed') {
    return { type: 'failed', failure: { reason: 'failed', causeId: text('causeId') || undefined, causeDesc: text('causeDesc') || undefined } };
  }
  if (said === 'call queued timeout') return { type: 'failed', failure: { reason: 'queue-timeout' } };
  return { type: said === 'call in queue' ? 'queued' : said === 'call disconnected' ? 'ended' : 'none' };
}
