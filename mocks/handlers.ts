import { delay, http, HttpResponse, type HttpHandler } from 'msw';

import { API_BASE, cecPath, TOKEN_ENDPOINT } from './paths.js';

export { API_BASE, cecPath, TOKEN_ENDPOINT };

/** The gateway's error body for a token it no longer accepts (cec-api.md §2). */
const expiredTokenBody = {
  errorCode: 'APIGW.0301',
  exceptionInfo: 'auth fail! illegal or expired token info. please apply or refresh the access token from the server!',
};

/** The WebRTC gateway the simulated agent answers from. */
export interface SimulatedGateway {
  readonly domain: string;
  /** An array of addresses as the docs show; any other shape (a comma-joined string, nested arrays) as a test sends it. */
  readonly gwAddresses: readonly string[] | string | readonly unknown[];
  readonly accessCode: string;
  readonly clickToCallCaller: string;
}

/** How a simulated call goes. Times are in ms from createClickToCall. */
export interface CallScript {
  /**
   * createClickToCall's answer: agents available (default), none (`"13"`), an HTTP 500, or the 403 CEC documents
   * for a click-to-dial request that timed out (`request-timed-out`: the call is created all the same).
   */
  readonly create?: 'ok' | 'no-agents' | 'server-error' | 'network-down' | 'token-expired-once' | 'request-timed-out';
  /** Extra wait before createClickToCall answers. */
  readonly createDelayMs?: number;
  /** Time in the queue before the call connects, times out or fails. Default 1500. */
  readonly queueMs?: number;
  /** What ends the queue. Default `connect`; `silence`: nothing ever does (CEC's event is lost). */
  readonly afterQueue?: 'connect' | 'queue-timeout' | 'fail' | 'silence';
  /** The agent hangs up this long after connecting. Default: never. */
  readonly talkMs?: number;
  /** Every other getClickToCallEvents fails with a network error. */
  readonly flakyPolling?: boolean;
  /** Every getClickToCallEvents answer carries a new ccmessaging-token; the old one stops working. */
  readonly rotateTokens?: boolean;
  readonly gateway?: SimulatedGateway;
  /** Long polling: a poll with nothing new is held until something happens, at most this long. */
  readonly holdPollMs?: number;
  /** Every poll repeats the current state (in queue; connected with the gateway), not only changes. */
  readonly repeatState?: boolean;
  /** One stale "Call in queue" arrives right after "Call connected". */
  readonly lateQueued?: boolean;
  /** How "Call connected" carries eventId 168101: a number (default, as the example), a string, or not at all. */
  readonly eventId?: 'number' | 'string' | 'none';
  /** Polls with nothing new answer texts the docs do not list. */
  readonly unknownTexts?: boolean;
  /** "Call connected" without its content, with `{}`, or with content of the wrong types. */
  readonly connectedContent?: 'missing' | 'empty' | 'malformed';
  /** CEC's documented rule: each new token of a visitor invalidates the earlier ones. */
  readonly newestTokenOnly?: boolean;
  /** Every answer is slowed by this much. */
  readonly slowMs?: number;
  /**
   * doLeaveMessage's answer: by default CEC's checks (`"2"` an empty field, `"3"` a callId over 24 characters or a
   * message over 500, else `"0"`); a code forces that answer; `server-error` is an HTTP 500.
   */
  readonly leaveMessage?: '2' | '3' | '13' | 'server-error';
  /**
   * getsatisfactionsurveymode's answer: `web` (default: CEC's five levels, nested in `satisfactionSurvey` as the API
   * reference shows), `web-flat` (surveyType and levels at the top, as the webadapter page shows), `web-three` (a
   * tenant's own three levels), `no` (no survey), `13` (the query failed).
   */
  readonly surveyMode?: 'web' | 'web-flat' | 'web-three' | 'no' | '13';
  /**
   * saveSatisfaction's answer: by default CEC reads the fields nested in `satisfication` (the table's reading) and
   * answers `"0"`, or `"13"` for a level it did not offer; `flat` reads them at the top (the example's reading);
   * `return-code` answers the example's `{"returnCode":"0"}`; `13` forces a failure.
   */
  readonly saveSatisfaction?: 'flat' | 'return-code' | '13';
}

export const defaultGateway: SimulatedGateway = {
  domain: 'webrtc.cec.example',
  gwAddresses: ['wss://webrtc.cec.example:8443'],
  accessCode: '1010',
  clickToCallCaller: 'visitor-1',
};

/**
 * The tokens the simulated site has issued: CEC accepts only these. One set for every scenario, so a token
 * fetched before a scenario switch stays valid after it.
 */
class TokenRegistry {
  readonly #valid = new Set<string>();
  #serial = 0;

  /** In CEC's documented form (cec-api.md §4): URL-encoded Base64 of JSON with the tenant, channel and user. */
  issue(userId = 'visitor'): string {
    const claims = { tenantId: 'sim-tenant', channelId: 'sim-channel', userId, createTime: Date.now(), serial: ++this.#serial };
    return this.trust(encodeURIComponent(btoa(JSON.stringify(claims))));
  }

  /** A token that came from elsewhere (a test's own token endpoint) is accepted too. */
  trust(token: string): string {
    this.#valid.add(token);
    return token;
  }

  /** CEC's rule: only the newest token of a visitor works. */
  rotate(): string {
    this.#valid.clear();
    return this.issue();
  }

  revoke(token: string | undefined): void {
    if (token) this.#valid.delete(token);
  }

  expireAll(): void {
    this.#valid.clear();
  }

  accepts(request: Request): boolean {
    return this.#valid.has(request.headers.get('ccmessaging-token') ?? '');
  }
}

export const tokens = new TokenRegistry();

interface ActiveCall {
  readonly createdAt: number;
  /** When its visitor last polled: CEC forgets a call nobody polls any more. */
  polledAt: number;
  queuedSent?: boolean;
  connectedAt?: number;
  lateQueuedSent?: boolean;
}

const json = (body: unknown, init?: ResponseInit) => HttpResponse.json(body as Record<string, unknown>, init);
const events = (resultDesc: string, extra: Record<string, unknown> = {}) => ({ resultCode: '0', resultDesc, ...extra });

/** "Call connected" as the script has CEC send it. */
function connectedEvent(script: CallScript, gateway: SimulatedGateway) {
  const eventId = { number: { eventId: 168101 }, string: { eventId: '168101' }, none: {} }[script.eventId ?? 'number'];
  const content = {
    missing: undefined,
    empty: {},
    malformed: { domain: ['x'], gwAddresses: [{ host: 'gw' }, 42], accessCode: null },
    default: { ...gateway },
  }[script.connectedContent ?? 'default'];
  return events('Call connected', content === undefined ? eventId : { ...eventId, content });
}

/** A call whose visitor stopped polling this long ago (a closed browser) no longer keeps the agent busy. */
const ABANDONED_AFTER_MS = 30_000;

/** One visitor's call as CEC follows it: what each click-to-dial operation answers, per the script. */
function callSimulation(script: CallScript) {
  const { queueMs = 1500, afterQueue = 'connect', talkMs, gateway = defaultGateway } = script;
  let call: ActiveCall | undefined;
  let polls = 0;
  let expiredOnce = false;
  const nothing = () =>
    script.unknownTexts && polls % 2 ? events('ClickToCall agent alerting') : events('ClickToCall polled without any events');

  /** The next event, or `undefined` when nothing happened (a long poll then waits). */
  const nextEvent = () => {
    if (!call) return undefined;
    const elapsed = Date.now() - call.createdAt;
    if (!call.queuedSent) {
      call.queuedSent = true;
      return events('Call in queue');
    }
    if (elapsed < queueMs || afterQueue === 'silence') return script.repeatState ? events('Call in queue') : undefined;
    if (afterQueue === 'queue-timeout') {
      call = undefined;
      return events('Call queued timeout');
    }
    if (afterQueue === 'fail') {
      call = undefined;
      return events('Call failed', { content: { causeId: '7', causeDesc: 'connection failed' } });
    }
    if (call.connectedAt === undefined) {
      call.connectedAt = Date.now();
      return connectedEvent(script, gateway);
    }
    if (script.lateQueued && !call.lateQueuedSent) {
      call.lateQueuedSent = true;
      return events('Call in queue');
    }
    if (talkMs !== undefined && Date.now() - call.connectedAt >= talkMs) {
      call = undefined;
      return events('Call disconnected');
    }
    return script.repeatState ? connectedEvent(script, gateway) : events('Call continue to poll events with unknown events');
  };

  /** When the next event is due, for a held poll to answer then. */
  const nextDueIn = () => {
    if (!call) return Infinity;
    if (call.connectedAt === undefined) return afterQueue === 'silence' ? Infinity : call.createdAt + queueMs - Date.now();
    return talkMs === undefined ? Infinity : call.connectedAt + talkMs - Date.now();
  };

  return {
    check: () => json({ resultCode: '0', resultDesc: 'success', webRTCSupported: true, clickToCallSupported: true }),
    async create(request: Request) {
      const body = (await request.json().catch(() => undefined)) as { channel?: unknown; mediaAbility?: unknown } | undefined;
      if (body?.channel !== 'WEB' || (body.mediaAbility !== '0' && body.mediaAbility !== '1')) {
        return json({ errorCode: '400', exceptionInfo: 'invalid parameter' }, { status: 400 });
      }
      if (script.createDelayMs) await delay(script.createDelayMs);
      if (script.create === 'server-error') return json({ errorCode: '500', exceptionInfo: 'internal error' }, { status: 500 });
      if (script.create === 'token-expired-once' && !expiredOnce) {
        expiredOnce = true;
        tokens.expireAll();
        return json(expiredTokenBody, { status: 401 });
      }
      if (call && Date.now() - call.polledAt > ABANDONED_AFTER_MS) call = undefined;
      if (script.create === 'no-agents' || call) return json({ resultCode: '13', resultDesc: 'No agents available currently' });
      call = { createdAt: Date.now(), polledAt: Date.now() };
      // CEC created the call, but the gateway gave up waiting for it (cec-api.md §4: HTTP 403).
      if (script.create === 'request-timed-out') return json({ errorCode: 'APIGW.0308', exceptionInfo: 'click-to-dial request timed out' }, { status: 403 });
      // Huawei's documented success answer, with its "resultDesc:" typo key.
      return json({ resultCode: '0', 'resultDesc:': null });
    },
    async events() {
      polls++;
      if (call) call.polledAt = Date.now();
      if (script.flakyPolling && polls % 2 === 0) return HttpResponse.error();
      let event = nextEvent();
      if (!event && script.holdPollMs) {
        await delay(Math.max(0, Math.min(script.holdPollMs, nextDueIn())));
        event = nextEvent();
      }
      const headers = script.rotateTokens ? { 'ccmessaging-token': tokens.rotate() } : undefined;
      return json(event ?? nothing(), { headers });
    },
    drop() {
      if (!call) return json({ resultCode: '13', resultDesc: 'disconnect failed' });
      call = undefined;
      return json({ resultCode: '0', resultDesc: '' });
    },
  };
}

type Answer = (request: Request) => Promise<Response> | Response;

/** What the simulated CEC was sent by doLeaveMessage and saveSatisfaction, newest last: tests read it. */
export const cecInbox: { messages: Record<string, unknown>[]; ratings: Record<string, unknown>[] } = { messages: [], ratings: [] };

const defaultLevels = ['Very dissatisfied', 'Dissatisfied', 'Neutral', 'Satisfied', 'Very satisfied'].map((desc, index) => ({
  satisfactionLevelKey: String(index + 1),
  satisfactionLevelDesc: desc,
}));
const threeLevels = [
  { satisfactionLevelKey: '1', satisfactionLevelDesc: 'Bad' },
  { satisfactionLevelKey: '2', satisfactionLevelDesc: 'OK' },
  { satisfactionLevelKey: '3', satisfactionLevelDesc: 'Great' },
];

/** CEC's leave-a-message and satisfaction-survey operations (cec-api.md §6, §9), as the script has them answer. */
function afterCallSimulation(script: CallScript) {
  const body = async (request: Request) => ((await request.json().catch(() => ({}))) ?? {}) as Record<string, unknown>;
  const filled = (value: unknown) => typeof value === 'string' && value.trim() !== '';
  const levels = script.surveyMode === 'web-three' ? threeLevels : defaultLevels;
  return {
    async leaveMessage(request: Request) {
      const message = await body(request);
      if (script.leaveMessage === 'server-error') return json({ errorCode: '500', exceptionInfo: 'internal error' }, { status: 500 });
      const { callId, caller, leaveMessage, channel } = message;
      const code =
        script.leaveMessage ??
        (![callId, caller, leaveMessage, channel].every(filled) ? '2' : String(callId).length > 24 || String(leaveMessage).length > 500 ? '3' : '0');
      if (code === '0') cecInbox.messages.push(message);
      const resultDesc = { '0': 'Save leaveMessage success!', '2': 'parameter is empty', '3': 'the leaveMessageParams is error.', '13': 'Save leaveMessage failed!' }[code];
      return json({ resultCode: code, resultDesc });
    },
    surveyMode() {
      if (script.surveyMode === '13') return json({ resultCode: '13', resultDesc: 'query satisfaction failed' });
      const survey = { surveyType: script.surveyMode === 'no' ? 'NO' : 'WEB', satisfactionLevel: levels };
      if (script.surveyMode === 'web-flat') return json({ resultCode: '0', resultDesc: 'query satisfaction success!', ...survey });
      return json({ resultCode: '0', resultDesc: 'query satisfaction success!', satisfactionSurvey: survey });
    },
    async saveSatisfaction(request: Request) {
      const sent = await body(request);
      const rating = (script.saveSatisfaction === 'flat' ? sent : sent.satisfication) as Record<string, unknown> | undefined;
      const offered = levels.some(({ satisfactionLevelKey }) => satisfactionLevelKey === rating?.evaluation);
      if (script.saveSatisfaction === '13' || !offered || !filled(rating?.userId)) {
        return json({ resultCode: '13', resultDesc: 'Save satisfaction failed' });
      }
      cecInbox.ratings.push(rating!);
      return json(script.saveSatisfaction === 'return-code' ? { returnCode: '0' } : { resultCode: '0', resultDesc: 'Save satisfaction success!' });
    },
  };
}

/**
 * The four click-to-dial operations and the three around a call, each behind `guard` (which answers instead when
 * the caller is refused).
 */
function clickToDialHandlers(script: CallScript, guard: (request: Request) => Response | undefined, origin: string) {
  const simulation = callSimulation(script);
  const afterCall = afterCallSimulation(script);
  const path = (operation: string) => `${origin}${cecPath(operation)}`;
  const guarded = (answer: Answer) => slowed(script, async ({ request }: { request: Request }) => guard(request) ?? answer(request));
  return [
    http.post(`${origin}${API_BASE}/doLeaveMessage`, guarded(afterCall.leaveMessage)),
    http.post(`${origin}${API_BASE}/getsatisfactionsurveymode`, guarded(afterCall.surveyMode)),
    http.post(`${origin}${API_BASE}/saveSatisfaction`, guarded(afterCall.saveSatisfaction)),
    http.get(path('checkClickToCallSupport'), guarded(simulation.check)),
    http.post(path('createClickToCall'), async (info) =>
      script.create === 'network-down' ? HttpResponse.error() : guarded(simulation.create)(info),
    ),
    http.get(path('getClickToCallEvents'), async (info) =>
      script.flakyPolling ? slowed(script, simulation.events)() : guarded(simulation.events)(info),
    ),
    http.post(path('dropClickToCall'), guarded(simulation.drop)),
  ];
}

/** `answer`, after the script's `slowMs`. */
function slowed<A extends unknown[]>(script: CallScript, answer: (...args: A) => Promise<Response> | Response) {
  return async (...args: A) => {
    if (script.slowMs) await delay(script.slowMs);
    return answer(...args);
  };
}

/** The visitor's token: with `newestTokenOnly`, issuing one revokes the visitor's earlier ones. */
function visitorTokens(script: CallScript) {
  const newest = new Map<string, string>();
  return (visitor = 'visitor') => {
    const token = tokens.issue(visitor);
    if (script.newestTokenOnly) tokens.revoke(newest.get(visitor));
    newest.set(visitor, token);
    return token;
  };
}

const refuseUnknownToken = (request: Request) =>
  tokens.accepts(request) ? undefined : json(expiredTokenBody, { status: 401 });

/**
 * What the browser sees of a site that uses the element: the site's token endpoint, and CEC's click-to-dial
 * operations at the element's default api-base. A small stateful CEC for one visitor: createClickToCall
 * reserves an agent, getClickToCallEvents reports the call as the script says (each event once),
 * dropClickToCall ends it. Tokens are checked on every request. `origin` `*` serves it from any origin (Node).
 */
export function simulatedCec(script: CallScript = {}, origin = ''): HttpHandler[] {
  const issue = visitorTokens(script);
  return [
    http.post(`${origin}${TOKEN_ENDPOINT}`, slowed(script, () => json({ token: issue(), expiresIn: 3600 }))),
    ...clickToDialHandlers(script, refuseUnknownToken, origin),
  ];
}

/** The gateway credentials the simulated upstream CEC accepts. */
export const upstreamCredentials = { appKey: 'sim-app-key', appSecret: 'sim-app-secret' } as const;

/**
 * CEC itself, as the token service sees it (cec-api.md §3–§5): tokenByAkSk for the app key and secret,
 * applyToken per visitor, and the click-to-dial operations, which want `x-app-key`, `Authorization: Bearer`
 * and the visitor's token. `stats` counts the calls; `expireAccessTokens()` ends every AccessToken. Pass the same
 * `accessTokens` to keep them valid from one script to the next (the demo's scenario switch).
 */
export function simulatedCecUpstream(script: CallScript = {}, origin = '*', accessTokens = new Set<string>()) {
  const stats = { tokenByAkSk: 0, applyToken: 0 };
  const issue = visitorTokens(script);
  let serial = 0;
  const refuseGateway = (request: Request) => {
    const bearer = request.headers.get('authorization')?.replace(/^Bearer /, '') ?? '';
    if (request.headers.get('x-app-key') !== upstreamCredentials.appKey || !accessTokens.has(bearer)) {
      return json(expiredTokenBody, { status: 403 });
    }
    return undefined;
  };
  const handlers = [
    http.post(`${origin}/apigovernance/api/oauth/tokenByAkSk`, async ({ request }) => {
      stats.tokenByAkSk++;
      const body = (await request.json().catch(() => ({}))) as { app_key?: string; app_secret?: string };
      const lifetime = Number(request.headers.get('x-token-expire'));
      if (body.app_key !== upstreamCredentials.appKey || body.app_secret !== upstreamCredentials.appSecret) {
        return json({ errorCode: 'APIGW.0101', exceptionInfo: 'invalid app key or secret' }, { status: 403 });
      }
      if (!(lifetime > 0 && lifetime <= 3600)) return json({ errorCode: 'APIGW.0102', exceptionInfo: 'bad X-Token-Expire' }, { status: 400 });
      const token = `sim-access-${++serial}-${Math.random().toString(36).slice(2)}`;
      accessTokens.add(token);
      const createTime = String(Math.floor(Date.now() / 1000));
      return json({ AccessToken: token, ApplyType: 'Bearer', CreateTime: createTime, Expires: String(lifetime), Scope: 'default', AppKey: body.app_key, UserID: 'Anonymous' });
    }),
    http.post(`${origin}${API_BASE}/applyToken`, async ({ request }) => {
      stats.applyToken++;
      const refused = refuseGateway(request);
      if (refused) return refused;
      const body = (await request.json().catch(() => ({}))) as { userId?: unknown; channelId?: unknown };
      if (typeof body.userId !== 'string' || !/^.{1,32}$/.test(body.userId) || typeof body.channelId !== 'string') {
        return json({ resultCode: '1', resultDesc: 'invalid parameter' });
      }
      return json({ resultCode: '0', token: issue(body.userId) });
    }),
    ...clickToDialHandlers(script, (request) => refuseGateway(request) ?? refuseUnknownToken(request), origin),
  ];
  return { handlers, stats, expireAccessTokens: () => accessTokens.clear() };
}

export interface Scenario {
  readonly label: string;
  readonly script: CallScript;
}

export const scenarios = {
  'agents-available': { label: 'Agents available', script: {} },
  'no-agents': { label: 'No agents (leave a message)', script: { create: 'no-agents' } },
  slow: { label: 'Slow CEC (3 s)', script: { createDelayMs: 3000 } },
  'server-error': { label: 'Server error (HTTP 500)', script: { create: 'server-error' } },
  'token-expired-once': { label: 'Token expired once', script: { create: 'token-expired-once' } },
  'network-down': { label: 'CEC unreachable', script: { create: 'network-down' } },
  'agent-hangs-up': { label: 'Agent hangs up after 5 s (rate the call)', script: { talkMs: 5000 } },
  'queue-timeout': { label: 'Queue timeout', script: { afterQueue: 'queue-timeout', queueMs: 3000 } },
  'call-failed': { label: 'Call failed', script: { afterQueue: 'fail' } },
  'flaky-network': { label: 'Flapping network while polling', script: { flakyPolling: true } },
  'token-rotation': { label: 'Token rotation on every poll', script: { rotateTokens: true } },
  'long-poll': { label: 'Long polling (CEC holds polls up to 25 s)', script: { holdPollMs: 25_000, queueMs: 6000 } },
  'repeated-state': { label: 'State repeated on every poll', script: { repeatState: true, lateQueued: true } },
  'event-id-string': { label: 'eventId as a string', script: { eventId: 'string' } },
  'unknown-texts': { label: 'Unknown event texts', script: { unknownTexts: true } },
  'gateway-comma-string': { label: 'Gateway addresses as one comma-joined string', script: { gateway: { ...defaultGateway, gwAddresses: 'webrtc.cec.example:8443, wss://webrtc.cec.example:8443/sip' } } },
  'gateway-nested': { label: 'Gateway addresses in nested arrays', script: { gateway: { ...defaultGateway, gwAddresses: [['10.0.0.1:8443'], ['webrtc.cec.example:443']] } } },
  'gateway-missing': { label: 'Connected without gateway content', script: { connectedContent: 'missing' } },
  'gateway-malformed': { label: 'Connected with malformed gateway content', script: { connectedContent: 'malformed' } },
  'newest-token-only': { label: 'Newest token only', script: { newestTokenOnly: true } },
  'create-timed-out': { label: 'createClickToCall: 403 request timed out', script: { create: 'request-timed-out' } },
  'queue-silence': { label: 'Queue that never ends', script: { afterQueue: 'silence' } },
  'slow-2s': { label: 'Every answer 2 s late', script: { slowMs: 2000 } },
  'leave-message-fails': { label: 'No agents, and the message fails (13)', script: { create: 'no-agents', leaveMessage: '13' } },
  'survey-three-levels': { label: 'Rate the call: the tenant\'s three levels', script: { talkMs: 5000, surveyMode: 'web-three' } },
  'survey-off': { label: 'No survey (CEC says NO)', script: { talkMs: 5000, surveyMode: 'no' } },
} satisfies Record<string, Scenario>;

export type ScenarioName = keyof typeof scenarios;
