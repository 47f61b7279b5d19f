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

/**
 * A small CEC: the site's token endpoint issues tokens, and createClickToCall accepts only those,
 * validates its body like CEC does, and answers with Huawei's documented example (typo key included).
 */
export class SimulatedCec {
  readonly #validTokens = new Set<string>();
  #serial = 0;

  issueToken(): string {
    const token = `sim-${++this.#serial}-${Math.random().toString(36).slice(2)}`;
    this.#validTokens.add(token);
    return token;
  }

  /** Every token issued so far stops working, as when CEC's one-hour lifetime ends. */
  expireTokens(): void {
    this.#validTokens.clear();
  }

  accepts(request: Request): boolean {
    return this.#validTokens.has(request.headers.get('ccmessaging-token') ?? '');
  }

  tokenHandler(): HttpHandler {
    return http.post(TOKEN_ENDPOINT, () => HttpResponse.json({ token: this.issueToken(), expiresIn: 3600 }));
  }

  /** createClickToCall answering `answer` once the token and body are valid. */
  createHandler(answer: () => Promise<Response> | Response = started): HttpHandler {
    return http.post(cecPath('createClickToCall'), async ({ request }) => {
      if (!this.accepts(request)) return HttpResponse.json(expiredTokenBody, { status: 401 });
      const body = (await request.json().catch(() => undefined)) as { channel?: unknown; mediaAbility?: unknown } | undefined;
      if (body?.channel !== 'WEB' || (body.mediaAbility !== '0' && body.mediaAbility !== '1')) {
        return HttpResponse.json({ errorCode: '400', exceptionInfo: 'invalid parameter' }, { status: 400 });
      }
      return answer();
    });
  }
}

/** Huawei's documented success answer, with its `"resultDesc:"` typo key. */
const started = () => HttpResponse.json({ resultCode: '0', 'resultDesc:': null });
const noAgents = () => HttpResponse.json({ resultCode: '13', resultDesc: 'No agents available currently' });

export interface Scenario {
  readonly label: string;
  /** Fresh handlers (with fresh scenario state) for the token endpoint and CEC. */
  readonly handlers: () => HttpHandler[];
}

/** One CEC for every scenario, so tokens issued before a scenario switch stay valid after it. */
const cec = new SimulatedCec();

function scenario(label: string, create: (cec: SimulatedCec) => HttpHandler): Scenario {
  return { label, handlers: () => [cec.tokenHandler(), create(cec)] };
}

export const scenarios = {
  'agents-available': scenario('Agents available', (cec) => cec.createHandler()),
  'no-agents': scenario('No agents', (cec) => cec.createHandler(noAgents)),
  slow: scenario('Slow CEC (3 s)', (cec) =>
    cec.createHandler(async () => {
      await delay(3000);
      return started();
    }),
  ),
  'server-error': scenario('Server error (HTTP 500)', (cec) =>
    cec.createHandler(() => HttpResponse.json({ errorCode: '500', exceptionInfo: 'internal error' }, { status: 500 })),
  ),
  'token-expired-once': scenario('Token expired once', (cec) => {
    let expired = false;
    return cec.createHandler(() => {
      if (expired) return started();
      expired = true;
      cec.expireTokens();
      return HttpResponse.json(expiredTokenBody, { status: 401 });
    });
  }),
  'network-down': scenario('CEC unreachable', () => http.post(cecPath('createClickToCall'), () => HttpResponse.error())),
} satisfies Record<string, Scenario>;

export type ScenarioName = keyof typeof scenarios;
