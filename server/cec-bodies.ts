// What each operation the token service forwards with a body may send CEC (cec-api.md §5, §6): only the fields
// CEC documents, checked, in a body built here; whatever else the browser sends stays behind.
import { Refusal } from './http.js';

type Json = Record<string, unknown>;

/** What the service puts in itself, never the browser: the visitor's id and the WEB channel's configuration ID. */
export interface ServerFields {
  /**
   * The visitor's id as CEC's callId/userId take it: 1–24 characters (asked for only by the operations that send it,
   * once the browser's fields are checked); refuses a visitor the token is not for.
   */
  readonly visitorId: () => Promise<string>;
  readonly channelConfigId: string;
}

/** An operation's upstream body from the browser's, or a 400. */
export type BodyRule = (json: Json, server: ServerFields) => Json | Promise<Json>;

/** The languages getsatisfactionsurveymode documents. */
const SURVEY_LANGUAGES = new Set(['zh_CN', 'en_US', 'pt_BR', 'ar_SA', 'fr_FR', 'es_ES']);
/** Control characters (C0, DEL, C1) but line breaks and tabs, which a message or a comment may hold. */
const CONTROL_BUT_LINE_BREAKS = /[^\P{Cc}\n\r\t]/u;
/** Control and format characters (bidi overrides, zero-width spaces and joiners…): none belongs in a contact. */
const CONTROL_OR_FORMAT = /[\p{Cc}\p{Cf}]/u;
/** What shows nothing: white space, separators, format characters, the Braille blank and the Hangul filler. */
const INVISIBLE = /[\s\p{Z}\p{Cf}\u2800\u3164]/gu;
/** A contact as the element takes it (src/after-call/after-call.ts `messageProblems`): an e-mail address… */
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
/** …or a phone number of 5–20 digits. */
const PHONE = /^\+?[\d(][\d\s().-]*$/;

/** Whether `value` holds nothing visible. */
const blank = (value: string) => !value.replace(INVISIBLE, '');
/** Whether `value` has no lone surrogate (ES2024's `isWellFormed`, in Node ≥ 20). */
const wellFormed = (value: string) => (value as string & { isWellFormed(): boolean }).isWellFormed();

const invalid = (message: string, detail = message) => new Refusal(400, 'bad-request', message, {}, detail);

function channelOf({ channel }: Json): string {
  if (typeof channel !== 'string' || !/^[A-Z0-9_]{1,32}$/.test(channel)) throw invalid('channel is missing or invalid');
  return channel;
}

/** The string `json[name]` (trimmed with `trim`): well-formed UTF-16, free of the characters `control` matches. */
function text(json: Json, name: string, control: RegExp, { trim = false } = {}): string {
  const value = json[name];
  if (typeof value !== 'string') throw invalid(`${name} must be a string`);
  if (!wellFormed(value)) throw invalid(`${name} must not contain lone surrogates`, `${name} is not well-formed Unicode (a lone surrogate)`);
  const kept = trim ? value.trim() : value;
  if (control.test(kept)) throw invalid(`${name} must not contain ${control === CONTROL_OR_FORMAT ? 'control or format' : 'control'} characters`);
  return kept;
}

/** `value`, if `min`–`max` UTF-16 units long (as a textarea's maxlength counts). */
function sized(name: string, value: string, min: number, max: number): string {
  if (value.length >= min && value.length <= max) return value;
  const limit = min ? `${min}–${max} characters` : `at most ${max} characters`;
  throw invalid(`${name} must be ${limit}`, `${name} has ${value.length} characters (${limit})`);
}

export const createClickToCall: BodyRule = (json) => {
  const channel = channelOf(json);
  if (json.mediaAbility !== '0' && json.mediaAbility !== '1') throw invalid('mediaAbility must be "0" or "1"');
  return { channel, mediaAbility: json.mediaAbility };
};

export const dropClickToCall: BodyRule = (json) => ({ channel: channelOf(json) });

/**
 * `{callId, caller, leaveMessage, channel}`. CEC documents callId as the "User ID", 1–24 characters: it is the
 * visitor's id from identify(), the one applyToken got. A callId the browser sends is not trusted, and ignored.
 */
export const doLeaveMessage: BodyRule = async (json, server) => {
  const channel = channelOf(json);
  // Trimmed. CEC sets no limit; 128 holds a phone number or an e-mail address, which it must be (as the element checks).
  const caller = sized('caller', text(json, 'caller', CONTROL_OR_FORMAT, { trim: true }), 1, 128);
  if (blank(caller)) throw invalid('caller must not be blank');
  const digits = caller.replace(/\D/g, '').length;
  if (!EMAIL.test(caller) && !(PHONE.test(caller) && digits >= 5 && digits <= 20)) {
    throw invalid('caller must be a phone number (5–20 digits) or an e-mail address');
  }
  // As typed (up to a textarea's maxlength of 500), but not blank: something visible besides spaces and fillers.
  const leaveMessage = sized('leaveMessage', text(json, 'leaveMessage', CONTROL_BUT_LINE_BREAKS), 1, 500);
  if (blank(leaveMessage)) throw invalid('leaveMessage must not be blank');
  return { callId: await server.visitorId(), caller, leaveMessage, channel };
};

/** `{language}` when the browser names one of CEC's languages, else `{}`; channel is checked, not sent (CEC takes none). */
export const getSatisfactionSurveyMode: BodyRule = (json) => {
  channelOf(json);
  if (json.language === undefined) return {};
  if (typeof json.language !== 'string' || !SURVEY_LANGUAGES.has(json.language)) {
    throw invalid(`language must be one of ${[...SURVEY_LANGUAGES].join(', ')}`);
  }
  return { language: json.language };
};

/**
 * Huawei documents two shapes: the parameter table nests the fields in `satisfication`, the example sends them
 * flat. Both go in one body, so that CEC reads the rating whichever it follows. userId is the visitor's id and
 * channelConfigId the configured channel's: the browser's are ignored.
 */
export const saveSatisfaction: BodyRule = async (json, server) => {
  const channel = channelOf(json);
  // CEC's levels are key digits, 1–5 unless the tenant configured others.
  if (typeof json.evaluation !== 'string' || !/^\d{1,2}$/.test(json.evaluation)) throw invalid('evaluation must be a string of 1–2 digits');
  // CEC: "less than 512 characters".
  const comment = json.comment === undefined ? '' : sized('comment', text(json, 'comment', CONTROL_BUT_LINE_BREAKS), 0, 511);
  const rating = { channel, userId: await server.visitorId(), evaluation: json.evaluation, comment, channelConfigId: server.channelConfigId };
  return { ...rating, satisfication: rating };
};
