import { delay, http, HttpResponse, type HttpHandler } from 'msw';

/** Where the simulated site serves tokens, and where the simulated CEC lives (the element's default api-base). */
export const TOKEN_ENDPOINT = '/api/cec-token';
export const API_BASE = '/apiaccess/ccmessaging';

export const cecPath = (operation: string) => `${API_BASE}/v1/${operation}`;

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

/**
 * A small stateful CEC for one visitor: createClickToCall reserves an agent, getClickToCallEvents reports the
 * call as the script says (each event once), dropClickToCall ends it. Tokens are checked on every request.
 */
export function simulatedCec(script: CallScript = {}): HttpHandler[] {
  const { queueMs = 1500, afterQueue = 'connect', talkMs, gateway = defaultGateway } = script;
  let call: ActiveCall | undefined;
  let polls = 0;
  let expiredOnce = false;

  /** Token check first, as CEC's gateway does; `answer` runs only for a valid token. */
  const guarded = (answer: (request: Request) => Promise<Response> | Response) => async ({ request }: { request: Request }) => {
    if (!tokens.accepts(request)) return json(expiredTokenBody, { status: 401 });
    return answer(request);
  };

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

  return [
    http.post(TOKEN_ENDPOINT, () => json({ token: tokens.issue(), expiresIn: 3600 })),
    http.get(
      cecPath('checkClickToCallSupport'),
      guarded(() => json({ resultCode: '0', resultDesc: 'success', webRTCSupported: true, clickToCallSupported: true })),
    ),
    http.post(cecPath('createClickToCall'), async ({ request }) => {
      if (script.create === 'network-down') return HttpResponse.error();
      if (!tokens.accepts(request)) return json(expiredTokenBody, { status: 401 });
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
      if (script.create === 'no-agents' || call) {
        return json({ resultCode: '13', resultDesc: 'No agents available currently' });
      }
      call = { createdAt: Date.now() };
      // Huawei's documented success answer, with its "resultDesc:" typo key.
      return json({ resultCode: '0', 'resultDesc:': null });
    }),
    http.get(cecPath('getClickToCallEvents'), async ({ request }) => {
      if (script.flakyPolling && ++polls % 2 === 0) return HttpResponse.error();
      if (!tokens.accepts(request)) return json(expiredTokenBody, { status: 401 });
      const headers = script.rotateTokens ? { 'ccmessaging-token': tokens.rotate() } : undefined;
      return json(nextEvent(), { headers });
    }),
    http.post(
      cecPath('dropClickToCall'),
      guarded(() => {
        if (!call) return json({ resultCode: '13', resultDesc: 'disconnect failed' });
        call = undefined;
        return json({ resultCode: '0', resultDesc: '' });
      }),
    ),
  ];
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
