// What of CEC's answer to a forwarded operation reaches the browser (cec-api.md §2, §5, §6, §9): only the fields
// CEC documents for that operation, as plain values, in a body built here; whatever else CEC sends stays behind.

type Json = Record<string, unknown>;

/** The longest string passed on; CEC's texts are a few dozen characters. */
const TEXT_MAX = 512;
/** The most items of one array passed on: gateway addresses, survey levels. */
const ADDRESSES_MAX = 16;
const LEVELS_MAX = 20;
/** How deep gateway addresses may nest arrays (`[["wss://…"]]`). */
const ADDRESS_DEPTH = 3;

/** Every operation's outcome and failure: the result, Huawei's `"resultDesc:"` typo key, saveSatisfaction's `returnCode`, the gateway's error. */
const COMMON = ['resultCode', 'resultDesc', 'resultDesc:', 'returnCode', 'errorCode', 'exceptionInfo'] as const;
const GATEWAY = ['domain', 'accessCode', 'clickToCallCaller', 'causeId', 'causeDesc'] as const;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A string of at most TEXT_MAX UTF-16 units, never ending in half a surrogate pair. */
function capped(value: string): string {
  if (value.length <= TEXT_MAX) return value;
  const cut = value.slice(0, TEXT_MAX);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/** A string (capped), a finite number or null; `undefined` (left out) for anything else. */
function scalar(value: unknown): string | number | null | undefined {
  if (value === null) return null;
  if (typeof value === 'string') return capped(value);
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The same, or a boolean (checkClickToCallSupport's flags). */
const flag = (value: unknown) => (typeof value === 'boolean' ? value : scalar(value));

/** A string or a number: a survey level's key and text. */
const plain = (value: unknown) => (value === null ? undefined : scalar(value));

/** `names` of `json` that `read` keeps, in a new object. */
function pick(json: Json, names: readonly string[], read: (value: unknown) => unknown): Json {
  const kept: Json = {};
  for (const name of names) {
    if (!Object.hasOwn(json, name)) continue;
    const value = read(json[name]);
    if (value !== undefined) kept[name] = value;
  }
  return kept;
}

/** gwAddresses: a string, or arrays (nested at most 3 deep, 16 items each) of strings. */
function addresses(value: unknown, depth = 0): string | unknown[] | undefined {
  if (typeof value === 'string') return capped(value);
  if (!Array.isArray(value) || depth >= ADDRESS_DEPTH) return undefined;
  return value
    .map((item) => addresses(item, depth + 1))
    .filter((item) => item !== undefined)
    .slice(0, ADDRESSES_MAX);
}

/** getClickToCallEvents' `content`: the gateway of a connected call, the cause of a failed one. */
function content(value: unknown): Json | undefined {
  if (!isObject(value)) return undefined;
  const kept = pick(value, GATEWAY, scalar);
  const gwAddresses = Object.hasOwn(value, 'gwAddresses') ? addresses(value.gwAddresses) : undefined;
  return gwAddresses === undefined ? kept : { ...kept, gwAddresses };
}

/** satisfactionLevel: at most 20 `{satisfactionLevelKey, satisfactionLevelDesc}`. */
function levels(value: unknown): Json[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value
    .filter(isObject)
    .map((level) => pick(level, ['satisfactionLevelKey', 'satisfactionLevelDesc'], plain))
    .filter((level) => Object.keys(level).length)
    .slice(0, LEVELS_MAX);
}

/** A survey mode (at the top, or nested in `satisfactionSurvey`): its type and levels. */
const surveyOf = (json: Json): Json => ({ ...pick(json, ['surveyType'], scalar), ...pick(json, ['satisfactionLevel'], levels) });

/** What each operation may pass on beside the common fields. */
const extras: Record<string, (json: Json) => Json> = {
  checkClickToCallSupport: (json) => pick(json, ['webRTCSupported', 'clickToCallSupported'], flag),
  getClickToCallEvents: (json) => ({ ...pick(json, ['eventId'], scalar), ...pick(json, ['content'], content) }),
  getsatisfactionsurveymode: (json) => ({
    ...surveyOf(json),
    ...pick(json, ['satisfactionSurvey'], (survey) => (isObject(survey) ? surveyOf(survey) : undefined)),
  }),
};

/**
 * The browser's copy of CEC's answer to `operation` (`getClickToCallEvents`, `doLeaveMessage`…): the common
 * fields and the operation's own, strings capped at 512 characters, nothing else.
 */
export function passedOn(operation: string, json: Json): Json {
  return { ...pick(json, COMMON, scalar), ...(Object.hasOwn(extras, operation) ? extras[operation](json) : {}) };
}
