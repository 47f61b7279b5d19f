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
  readonly gwAddresses: readonly string[];
  readonly accessCode: string;
  readonly clickToCallCaller: string;
}

/** How a simulated call goes. Times are in ms from createClickToCall. */
export interface CallScript {
  /** createClickToCall's answer: agents available (default), none (`"13"`), or an HTTP 500. */
  readonly create?: 'ok' | 'no-agents' | 'server-error' | 'network-down' | 'token-expired-once';
  /** Extra wait before createClickToCall answers. */
  readonly createDelayMs?: number;
  /** Time in the queue before the call connects, times out or fails. Default 1500. */
  readonly queueMs?: number;
  /** What ends the queue. Default `connect`. */
  readonly afterQueue?: 'connect' | 'queue-timeout' | 'fail';
  /** The agent hangs up this long after connecting. Default: never. */
  readonly talkMs?: number;
  /** Every other getClickToCallEvents fails with a network error. */
  readonly flakyPolling?: boolean;
  /** Every getClickToCallEvents answer carries a new ccmessaging-token; the old one stops working. */
  readonly rotateTokens?: boolean;
  readonly gateway?: SimulatedGateway;
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

  issue(): string {
    return this.trust(`sim-${++this.#serial}-${Math.random().toString(36).slice(2)}`);
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
  queuedSent?: boolean;
  connectedAt?: number;
}

const json = (body: unknown, init?: ResponseInit) => HttpResponse.json(body as Record<string, unknown>, init);
const events = (resultDesc: string, extra: Record<string, unknown> = {}) => ({ resultCode: '0', resultDesc, ...extra });

/** One visitor's call as CEC follows it: what each click-to-dial operation answers, per the script. */
function callSimulation(script: CallScript) {
  const { queueMs = 1500, afterQueue = 'connect', talkMs, gateway = defaultGateway } = script;
  let call: ActiveCall | undefined;
  let polls = 0;
  let expiredOnce = false;

  const nextEvent = () => {
    if (!call) return events('ClickToCall polled without any events');
    const elapsed = Date.now() - call.createdAt;
    if (!call.queuedSent) {
      call.queuedSent = true;
      return events('Call in queue');
    }
    if (elapsed < queueMs) return events('ClickToCall polled without any events');
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
      return events('Call connected', { eventId: 168101, content: { ...gateway } });
    }
    if (talkMs !== undefined && Date.now() - call.connectedAt >= talkMs) {
      call = undefined;
      return events('Call disconnected');
    }
    return events('Call continue to poll events with unknown events');
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
      if (script.create === 'no-agents' || call) return json({ resultCode: '13', resultDesc: 'No agents available currently' });
      call = { createdAt: Date.now() };
      // Huawei's documented success answer, with its "resultDesc:" typo key.
      return json({ resultCode: '0', 'resultDesc:': null });
    },
    events() {
      if (script.flakyPolling && ++polls % 2 === 0) return HttpResponse.error();
      const headers = script.rotateTokens ? { 'ccmessaging-token': tokens.rotate() } : undefined;
      return json(nextEvent(), { headers });
    },
    drop() {
      if (!call) return json({ resultCode: '13', resultDesc: 'disconnect failed' });
      call = undefined;
      return json({ resultCode: '0', resultDesc: '' });
    },
  };
}

type Answer = (request: Request) => Promise<Response> | Response;

/** The four click-to-dial operations, each behind `guard` (which answers instead when the caller is refused). */
function clickToDialHandlers(script: CallScript, guard: (request: Request) => Response | undefined, origin: string) {
  const simulation = callSimulation(script);
  const path = (operation: string) => `${origin}${cecPath(operation)}`;
  const guarded = (answer: Answer) => async ({ request }: { request: Request }) => guard(request) ?? answer(request);
  return [
    http.get(path('checkClickToCallSupport'), guarded(simulation.check)),
    http.post(path('createClickToCall'), async (info) =>
      script.create === 'network-down' ? HttpResponse.error() : guarded(simulation.create)(info),
    ),
    http.get(path('getClickToCallEvents'), async (info) =>
      script.flakyPolling ? simulation.events() : guarded(simulation.events)(info),
    ),
    http.post(path('dropClickToCall'), guarded(simulation.drop)),
  ];
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
  return [
    http.post(`${origin}${TOKEN_ENDPOINT}`, () => json({ token: tokens.issue(), expiresIn: 3600 })),
    ...clickToDialHandlers(script, refuseUnknownToken, origin),
  ];
}

/** The gateway credentials the simulated upstream CEC accepts. */
export const upstreamCredentials = { appKey: 'sim-app-key', appSecret: 'sim-app-secret' } as const;

/**
 * CEC itself, as the token service sees it (cec-api.md §3–§5): tokenByAkSk for the app key and secret,
 * applyToken per visitor, and the click-to-dial operations, which want `x-app-key`, `Authorization: Bearer`
 * and the visitor's token. `stats` counts the calls; `expireAccessTokens()` ends every AccessToken.
 */
export function simulatedCecUpstream(script: CallScript = {}, origin = '*') {
  const accessTokens = new Set<string>();
  const stats = { tokenByAkSk: 0, applyToken: 0 };
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
      return json({ resultCode: '0', token: tokens.issue() });
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
  'no-agents': { label: 'No agents', script: { create: 'no-agents' } },
  slow: { label: 'Slow CEC (3 s)', script: { createDelayMs: 3000 } },
  'server-error': { label: 'Server error (HTTP 500)', script: { create: 'server-error' } },
  'token-expired-once': { label: 'Token expired once', script: { create: 'token-expired-once' } },
  'network-down': { label: 'CEC unreachable', script: { create: 'network-down' } },
  'agent-hangs-up': { label: 'Agent hangs up after 5 s', script: { talkMs: 5000 } },
  'queue-timeout': { label: 'Queue timeout', script: { afterQueue: 'queue-timeout', queueMs: 3000 } },
  'call-failed': { label: 'Call failed', script: { afterQueue: 'fail' } },
  'flaky-network': { label: 'Flapping network while polling', script: { flakyPolling: true } },
  'token-rotation': { label: 'Token rotation on every poll', script: { rotateTokens: true } },
} satisfies Record<string, Scenario>;

export type ScenarioName = keyof typeof scenarios;
