import type { CallMedia } from './state.js';
import type { CecConfig } from './transport/cec-client.js';
import type { TokenProvider } from './transport/token.js';

/** Every setting's default, written once: the element's fields start from these, invalid values fall back to them. */
export const defaults = {
  apiBase: '/apiaccess/ccmessaging',
  channel: 'WEB',
  media: 'voice video',
  timeout: 15000,
  pollInterval: 1000,
  pollTimeout: 35000,
  maxPollFailures: 5,
  maxQueueTime: 600000,
  mediaEngine: 'jssip',
  theme: 'auto',
  variant: 'labelled',
} as const;

/** The buttons `defaults.media` shows. */
export const defaultButtons: readonly CallMedia[] = ['voice', 'video'];

/** What an attempt runs with, read once as it starts: a setting changed mid-attempt applies to the next one. */
export interface CallSettings extends CecConfig {
  /** Why these settings cannot work (no token source, an unusable api-base): nothing is sent then. */
  readonly problem?: string;
  readonly pollIntervalMs: number;
  /** How long one poll may take: CEC may hold it (a long poll) until something happens. */
  readonly pollTimeoutMs: number;
  readonly maxPollFailures: number;
  /** How long a call may wait for an agent before it fails as `queue-timeout`. */
  readonly maxQueueMs: number;
  /** `jssip`: the element places the SIP/WebRTC call; `none`: the host page does, from `call-connected`. */
  readonly mediaEngine: 'jssip' | 'none';
  readonly iceServers: readonly RTCIceServer[];
}

/** The element's fields a snapshot is read from. */
export interface SettingFields {
  tokenEndpoint?: string | null;
  tokenProvider?: TokenProvider;
  apiBase: string;
  channel: string;
  context?: unknown;
  timeout: number;
  pollInterval: number;
  pollTimeout: number;
  maxPollFailures: number;
  maxQueueTime: number;
  mediaEngine: string;
  iceServers: RTCIceServer[];
  debug: boolean;
}

type NumberSetting = 'timeout' | 'pollInterval' | 'pollTimeout' | 'maxPollFailures' | 'maxQueueTime';
const numberSettings: readonly NumberSetting[] = ['timeout', 'pollInterval', 'pollTimeout', 'maxPollFailures', 'maxQueueTime'];

/** A snapshot of `fields` for one attempt, every invalid value replaced by its default. */
export function readSettings(fields: SettingFields): CallSettings {
  return {
    tokenEndpoint: fields.tokenEndpoint ?? undefined,
    tokenProvider: fields.tokenProvider,
    apiBase: fields.apiBase,
    channel: fields.channel,
    context: fields.context,
    timeoutMs: validNumber(fields, 'timeout'),
    pollIntervalMs: validNumber(fields, 'pollInterval'),
    pollTimeoutMs: validNumber(fields, 'pollTimeout'),
    maxPollFailures: validNumber(fields, 'maxPollFailures'),
    maxQueueMs: validNumber(fields, 'maxQueueTime'),
    mediaEngine: fields.mediaEngine === 'none' ? 'none' : 'jssip',
    iceServers: Array.isArray(fields.iceServers) ? fields.iceServers : [],
    debug: fields.debug ? (step, detail) => console.debug('<click-to-call>', step, detail ?? '') : undefined,
    problem: configProblem(fields),
  };
}

/** What makes the settings unusable, said so that a developer knows what to set. */
function configProblem({ tokenEndpoint, tokenProvider, apiBase }: SettingFields): string | undefined {
  if (typeof tokenProvider !== 'function') {
    if (!tokenEndpoint) return 'set the token-endpoint attribute or the tokenProvider property';
    try {
      new URL(tokenEndpoint, document.baseURI);
    } catch {
      return `token-endpoint "${tokenEndpoint}" is not a valid URL`;
    }
  }
  let url: URL;
  try {
    url = new URL(apiBase, document.baseURI);
  } catch {
    return `api-base "${apiBase}" is not a valid URL`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `api-base must be an http(s) URL or a path, not "${url.protocol}"`;
  return undefined;
}

/** Warns about each changed number setting that is invalid, naming the default used instead. */
export function warnInvalidNumbers(fields: SettingFields, changed: ReadonlyMap<PropertyKey, unknown>): void {
  for (const name of numberSettings) {
    if (changed.has(name) && validNumber(fields, name) !== fields[name]) {
      warn(`${name} "${fields[name]}" is not a number from 1 to 2147483647; using ${defaults[name]}`);
    }
  }
}

/** A number setting, or its default when invalid (setTimeout fires at once beyond 2^31 - 1 ms). */
function validNumber(fields: SettingFields, name: NumberSetting): number {
  const value = fields[name];
  return typeof value === 'number' && value > 0 && value < 2 ** 31 ? value : defaults[name];
}

/** The buttons a `media` value asks for, in order and without repeats; unknown words are warned about. */
export function readButtons(value: unknown): readonly CallMedia[] {
  const words = String(value ?? '').toLowerCase().split(/[\s,]+/).filter(Boolean);
  const media = [...new Set(words.filter((word): word is CallMedia => word === 'voice' || word === 'video'))];
  const unknown = words.filter((word) => word !== 'voice' && word !== 'video');
  if (unknown.length) warn(`media ignores unknown "${unknown.join('", "')}"`);
  if (media.length) return media;
  warn(`media "${value}" names no known media; showing "${defaults.media}"`);
  return defaultButtons;
}

/** The `ice-servers` attribute: a JSON array of `RTCIceServer`; anything else is ignored with a warning. */
export function readIceServers(value: string | null): RTCIceServer[] {
  try {
    const servers: unknown = JSON.parse(value ?? '[]');
    if (Array.isArray(servers) && servers.every((server) => server?.urls)) return servers;
  } catch {
    // reported below
  }
  warn('ice-servers is not a JSON array of {urls}; using none');
  return [];
}

export function warn(message: string): void {
  console.warn(`<click-to-call>: ${message}`);
}
