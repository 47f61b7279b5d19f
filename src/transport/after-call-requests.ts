import { isRecord, parseJson, type HttpAnswer } from './http.js';

/** doLeaveMessage's limits: CEC documents none for the message, so 500 (what one CEC web message carries). */
export const MESSAGE_MAX = 500;
/** How to reach the visitor: a phone number or an e-mail address fits. */
export const CALLER_MAX = 128;
/** saveSatisfaction's comment: "less than 512 characters" (cec-api.md §6). */
export const COMMENT_MAX = 511;

/** A level CEC offers: its key (the digit a phone survey would press) and its description, if CEC gave one. */
export interface SurveyLevel {
  readonly key: string;
  readonly description: string;
}

/**
 * The visitor's ids inside a ccmessaging-token: CEC documents it as URL-encoded Base64 of JSON with tenantId,
 * channelId, userId and createTime (cec-api.md §4). Empty strings when the token is not in that form.
 */
export function visitorIds(token: string): { userId: string; channelId: string } {
  try {
    const claims: unknown = JSON.parse(atob(decodeURIComponent(token).replace(/-/g, '+').replace(/_/g, '/')));
    const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');
    if (isRecord(claims)) return { userId: text(claims.userId), channelId: text(claims.channelId) };
  } catch {
    // An opaque token: the token service fills the ids in.
  }
  return { userId: '', channelId: '' };
}

/**
 * doLeaveMessage's body. `callId` is the visitor's userId, the one applyToken got: CEC's table calls callId
 * "User ID, 1–24 characters" (cec-api.md §6). The token service puts its own in; a site that calls CEC
 * directly sends the one in the token.
 */
export function messageBody(token: string, caller: string, message: string): Record<string, string> {
  return { callId: visitorIds(token).userId, caller, leaveMessage: message };
}

/**
 * saveSatisfaction's body in both shapes Huawei documents: the parameter table nests the fields in
 * `satisfication`, the example sends them at the top level. Either reading finds them.
 */
export function ratingBody(token: string, channel: string, evaluation: string, comment: string): Record<string, unknown> {
  const { userId, channelId } = visitorIds(token);
  const rating = { channel, userId, evaluation, comment, channelConfigId: channelId };
  return { ...rating, satisfication: rating };
}

/** `resultCode` (or saveSatisfaction's documented `returnCode`) of a 2xx JSON answer, as a string. */
export function resultCodeOf({ status, body }: HttpAnswer): string | undefined {
  const json = status > 199 && status < 300 ? parseJson(body) : undefined;
  const code = isRecord(json) ? (json.resultCode ?? json.returnCode) : undefined;
  return typeof code === 'string' || typeof code === 'number' ? String(code) : undefined;
}

/**
 * getsatisfactionsurveymode: the levels to offer when CEC says `WEB`, else `undefined` (no survey, or a failed
 * query). Read in both documented shapes (`satisfactionSurvey: {surveyType, satisfactionLevel}`, or both at the
 * top); without usable levels, CEC's default 1–5.
 */
export function readSurveyLevels(answer: HttpAnswer): readonly SurveyLevel[] | undefined {
  if (resultCodeOf(answer) !== '0') return undefined;
  const json = parseJson(answer.body) as Record<string, unknown>;
  const survey = isRecord(json.satisfactionSurvey) ? json.satisfactionSurvey : json;
  if (String(survey.surveyType).trim().toUpperCase() !== 'WEB') return undefined;
  const levels = (Array.isArray(survey.satisfactionLevel) ? survey.satisfactionLevel : []).flatMap((level: unknown) => {
    const key = isRecord(level) ? String(level.satisfactionLevelKey ?? '').trim() : '';
    const description = isRecord(level) && typeof level.satisfactionLevelDesc === 'string' ? level.satisfactionLevelDesc.trim() : '';
    return /^\d{1,2}$/.test(key) ? [{ key, description }] : [];
  });
  const unique = levels.filter((level, index) => levels.findIndex(({ key }) => key === level.key) === index);
  return unique.length ? unique : ['1', '2', '3', '4', '5'].map((key) => ({ key, description: '' }));
}
