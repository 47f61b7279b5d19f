import type { Outcome } from '../state.js';
import { CallFailure, isRecord, parseJson, type HttpAnswer } from './http.js';

/** The WebRTC gateway CEC hands over when an agent is connected (cec-api.md §7). */
export interface Gateway {
  readonly domain: string;
  readonly gwAddresses: readonly string[];
  readonly accessCode: string;
  readonly clickToCallCaller: string;
}

/** Why CEC failed a call, as getClickToCallEvents says (or, `cause`, why what it said cannot be called). */
export interface CecFailure {
  readonly reason: 'queue-timeout' | 'failed';
  readonly causeId?: string;
  readonly causeDesc?: string;
  readonly cause?: string;
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

/** CEC's 403 for a click-to-dial request that timed out (cec-api.md §4), told apart from a refused token by its text. */
export function saysTimedOut(answer: HttpAnswer): boolean {
  return answer.status === 403 && /time[sd]?[\s_-]*out/i.test(answer.body);
}

/** Maps any answer to createClickToCall to one outcome, deciding on `resultCode` as a string only. */
export function interpretCreateAnswer(answer: HttpAnswer): Outcome {
  const { status } = answer;
  if (saysTimedOut(answer)) return { type: 'error', reason: 'timeout', status, message: 'CEC says the click-to-dial request timed out' };
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
 * getClickToCallEvents: `eventId` 168101 (the only one documented, as a number or a string) is connected;
 * otherwise the documented `resultDesc` texts, case-insensitively; unknown texts are `none`. A connected event
 * whose gateway cannot be called is a failure saying why. A failed request throws `CallFailure`.
 */
export function readCallEvent(answer: HttpAnswer): CallEvent {
  const { json, resultCode, resultDesc } = read(answer) ?? {};
  if (resultCode !== '0') throw new CallFailure('http', `getClickToCallEvents failed (HTTP ${answer.status})`);
  const said = resultDesc!.toLowerCase().replace(/\s+/g, ' ').trim();
  const content = isRecord(json!.content) ? json!.content : {};
  const text = (key: string) => {
    const value = content[key];
    return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
  };
  if (String(json!.eventId).trim() === '168101' || said === 'call connected') {
    const gateway = {
      domain: text('domain'),
      gwAddresses: gatewayAddresses(content.gwAddresses),
      accessCode: text('accessCode'),
      clickToCallCaller: text('clickToCallCaller'),
    };
    const unusable = !isRecord(json!.content)
      ? 'no gateway content'
      : !gateway.gwAddresses.length
        ? 'no usable gateway address'
        : !gateway.domain
          ? 'no gateway domain'
          : !gateway.accessCode && 'no access code';
    if (unusable) return { type: 'failed', failure: { reason: 'failed', cause: `CEC connected the call with ${unusable}` } };
    return { type: 'connected', gateway };
  }
  if (said === 'call failed') {
    return { type: 'failed', failure: { reason: 'failed', causeId: text('causeId') || undefined, causeDesc: text('causeDesc') || undefined } };
  }
  if (said === 'call queued timeout') return { type: 'failed', failure: { reason: 'queue-timeout' } };
  return { type: said === 'call in queue' ? 'queued' : said === 'call disconnected' ? 'ended' : 'none' };
}

/**
 * `gwAddresses` in every shape CEC's docs allow a reading of: an array (nested or not) or a comma-joined
 * string of `ip:port`, `host:port` or `ws(s)://host:port/path`. Kept as written, trimmed; what cannot be a
 * WebSocket address (another scheme, no host) is left out.
 */
function gatewayAddresses(value: unknown): string[] {
  const items = [value].flat(8).flatMap((item) => (typeof item === 'string' ? item.split(/[\s,;]+/) : []));
  return items.filter((item) => {
    if (!/^wss?:\/\//i.test(item) && /^[a-z][\w+.-]*:\/\//i.test(item)) return false;
    try {
      return new URL(/^wss?:\/\//i.test(item) ? item : `wss://${item}`).hostname !== '';
    } catch {
      return false;
    }
  });
}
