import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Who the visitor is, for applyToken. */
export interface Visitor {
  /** 1–32 characters, stable for one visitor. */
  readonly userId: string;
  readonly userName?: string;
  /** `en`, `zh`, `en_US`…; default from the request's Accept-Language, else `en`. */
  readonly locale?: string;
}

export interface TokenServiceOptions {
  /** CEC's domain, e.g. `service.besclouds.com`; upstream is `https://<domain>` unless `baseUrl` is set. */
  readonly domain?: string;
  /** Upstream origin. Must be https, except `http://127.0.0.1:…`/`http://localhost:…` (tests). */
  readonly baseUrl?: string;
  readonly appKey: string;
  readonly appSecret: string;
  /** The WEB channel's "Configuration ID". */
  readonly channelId: string;
  /** Origins allowed to call cross-origin (CORS). The service's own origin is always allowed. */
  readonly allowedOrigins?: readonly string[];
  /** Requests per minute per client for `/token` and `createClickToCall`. Default 20. */
  readonly rateLimit?: number;
  /** Where the service answers. Default `/apiaccess/ccmessaging`, the element's default `api-base`. */
  readonly mount?: string;
  /** The visitor behind a request. Default: a random anonymous id kept in an HttpOnly, Secure, SameSite cookie. */
  readonly identify?: (req: IncomingMessage, res: ServerResponse) => Visitor | Promise<Visitor>;
  /** AccessToken lifetime asked of tokenByAkSk, in seconds (≤ 3600). Default 3600. */
  readonly accessTokenLifetime?: number;
  /** Milliseconds allowed per upstream request. Default 10000. */
  readonly upstreamTimeout?: number;
  /** Largest request body accepted, in bytes. Default 4096. */
  readonly maxBodyBytes?: number;
  /** Also hand the browser `appKey` and `accessToken`, for sites that call CEC directly. Logs a warning. */
  readonly exposeAccessToken?: boolean;
  /** Where log lines go; they never contain the secret or a token. Default `console`. */
  readonly logger?: Pick<Console, 'info' | 'warn' | 'error'>;
}

export type TokenServiceHandler = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

/** The four click-to-dial operations and their methods: all the proxy forwards. */
const operations: Record<string, 'GET' | 'POST'> = {
  checkClickToCallSupport: 'GET',
  createClickToCall: 'POST',
  getClickToCallEvents: 'GET',
  dropClickToCall: 'POST',
};

const COOKIE = 'ctc_visitor';
/** An AccessToken this close to its end is renewed first. */
const ACCESS_TOKEN_MARGIN_S = 60;

/** A refusal with its HTTP status and a JSON `{error, message}` body. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * The server half of `<click-to-call>`: `POST <mount>/token` turns the app key and secret into a visitor's
 * short-lived token (tokenByAkSk → applyToken), and `<mount>/v1/<operation>` forwards CEC's four
 * click-to-dial operations with the gateway credentials added server-side. A standard `(req, res, next?)`
 * handler for `node:http`, Express, Connect and Vite's dev server.
 */
export function createTokenService(options: TokenServiceOptions): TokenServiceHandler {
  const config = readOptions(options);
  const { logger, mount } = config;
  const secrets = new Set<string>([config.appSecret]);
  const redact = (text: string) => [...secrets].reduce((out, secret) => out.split(secret).join('[redacted]'), text);
  const log = (level: 'info' | 'warn' | 'error', message: string) => logger[level](redact(`click-to-call server: ${message}`));
  if (config.exposeAccessToken) log('warn', 'exposeAccessToken is on: the AccessToken and app key reach browsers');

  const accessToken = accessTokenCache(config, (token) => secrets.add(token));
  const limiter = rateLimiter(config.rateLimit);

  /** One upstream request within the timeout; network failures are 502, timeouts 504. */
  async function upstream(path: string, init: Omit<RequestInit, 'headers'> & { headers: Record<string, string> }): Promise<Response> {
    try {
      return await fetch(`${config.baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(config.upstreamTimeout) });
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') throw new Refusal(504, 'upstream-timeout', 'CEC did not answer in time');
      throw new Refusal(502, 'upstream', 'CEC could not be reached');
    }
  }

  /** An upstream call with the gateway credentials; on 401/403 the AccessToken is renewed and the call retried once. */
  async function withGateway(path: string, init: Omit<RequestInit, 'headers'> & { headers: Record<string, string> }): Promise<Response> {
    let token = await accessToken.get();
    const send = () =>
      upstream(path, { ...init, headers: { ...init.headers, 'x-app-key': config.appKey, Authorization: `Bearer ${token}` } });
    let response = await send();
    if (response.status === 401 || response.status === 403) {
      token = await accessToken.renew(token);
      response = await send();
    }
    return response;
  }

  async function issueToken(req: IncomingMessage, res: ServerResponse) {
    await readJson(req, config.maxBodyBytes);
    const visitor = await (config.identify ?? anonymousVisitor)(req, res);
    if (typeof visitor?.userId !== 'string' || !/^.{1,32}$/u.test(visitor.userId)) {
      throw new Refusal(500, 'identify', 'identify() must return a userId of 1–32 characters');
    }
    const body = {
      userId: visitor.userId,
      userName: visitor.userName ?? visitor.userId,
      channelId: config.channelId,
      locale: visitor.locale ?? localeOf(req),
    };
    const response = await withGateway('/apiaccess/ccmessaging/applyToken', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await response.json().catch(() => undefined)) as { token?: unknown; resultCode?: unknown } | undefined;
    const token = answer?.token;
    // applyToken answers {token}, {resultCode: "0", token} or {token, resultCode, resultDesc} (cec-api.md §4).
    if (!response.ok || typeof token !== 'string' || !token || (answer?.resultCode !== undefined && String(answer.resultCode) !== '0')) {
      throw new Refusal(502, 'upstream', `applyToken failed (HTTP ${response.status})`);
    }
    secrets.add(token);
    const grant: Record<string, unknown> = { token, expiresIn: 3600 };
    if (config.exposeAccessToken) Object.assign(grant, { appKey: config.appKey, accessToken: await accessToken.get() });
    return { status: 200, body: JSON.stringify(grant), headers: {} as Record<string, string> };
  }

  async function forward(req: IncomingMessage, operation: string, search: URLSearchParams) {
    const visitorToken = req.headers['ccmessaging-token'];
    if (typeof visitorToken !== 'string' || !visitorToken || visitorToken.length > 4096) {
      throw new Refusal(400, 'bad-request', 'the ccmessaging-token header is missing');
    }
    secrets.add(visitorToken);
    const channel = req.method === 'GET' ? search.get('channel') : undefined;
    let body: string | undefined;
    if (req.method === 'POST') {
      const json = (await readJson(req, config.maxBodyBytes)) as Record<string, unknown>;
      body = JSON.stringify(validBody(operation, json));
    } else if (!channel || !/^[A-Z0-9_]{1,32}$/.test(channel) || [...search.keys()].some((key) => key !== 'channel')) {
      throw new Refusal(400, 'bad-request', 'channel must be the only query parameter');
    }
    const response = await withGateway(
      `/apiaccess/ccmessaging/v1/${operation}${channel ? `?channel=${channel}` : ''}`,
      { method: req.method, headers: { 'Content-Type': 'application/json', 'ccmessaging-token': visitorToken }, body },
    );
    const headers: Record<string, string> = {};
    const rotated = response.headers.get('ccmessaging-token');
    if (rotated) {
      secrets.add(rotated);
      headers['ccmessaging-token'] = rotated;
    }
    return { status: response.status, body: await response.text(), headers };
  }

  return (req, res, next) => {
    const url = new URL(req.url ?? '/', 'http://service.invalid');
    if (url.pathname !== `${mount}/token` && !url.pathname.startsWith(`${mount}/`)) {
      if (next) return next();
      return void send(res, 404, { error: 'not-found', message: 'not found' });
    }
    const started = Date.now();
    const origin = req.headers.origin;
    const corsHeaders = origin && originAllowed(origin, req, config.allowedOrigins) ? cors(origin) : undefined;
    const operation = url.pathname.slice(mount.length + '/v1/'.length);
    const route = url.pathname === `${mount}/token` ? 'token' : url.pathname.startsWith(`${mount}/v1/`) && operations[operation] ? operation : undefined;
    handle()
      .catch((error: unknown) => {
        if (error instanceof Refusal) return { status: error.status, body: JSON.stringify({ error: error.code, message: error.message }), headers: error.headers };
        log('error', `unexpected failure: ${(error as Error)?.message}`);
        return { status: 500, body: JSON.stringify({ error: 'internal', message: 'internal error' }), headers: {} };
      })
      .then(({ status, body, headers }) => {
        res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...corsHeaders, ...headers });
        res.end(body);
        log(status >= 500 ? 'error' : 'info', `${req.method} ${url.pathname} ${status} ${Date.now() - started} ms`);
      });

    async function handle(): Promise<{ status: number; body: string; headers: Record<string, string> }> {
      if (origin && !corsHeaders) {
        throw new Refusal(403, 'origin', `origin ${origin} is not allowed`);
      }
      const method = route === 'token' ? 'POST' : route && operations[route];
      if (!route || (req.method !== method && req.method !== 'OPTIONS')) throw new Refusal(404, 'not-found', 'not found');
      if (req.method === 'OPTIONS') return { status: 204, body: '', headers: preflight };
      if (route === 'token' || route === 'createClickToCall') {
        const wait = limiter(clientOf(req));
        if (wait) throw new Refusal(429, 'rate-limited', 'too many requests', { 'Retry-After': String(wait) });
      }
      return route === 'token' ? issueToken(req, res) : forward(req, route, url.searchParams);
    }
  };
}

type Config = Required<Omit<TokenServiceOptions, 'identify' | 'domain'>> & Pick<TokenServiceOptions, 'identify'>;

/** Checks the options at start-up: a missing or unsafe setting throws with a message that says what to set. */
function readOptions(options: TokenServiceOptions): Config {
  const missing = (['appKey', 'appSecret', 'channelId'] as const).filter((key) => !options[key]);
  if (!options.domain && !options.baseUrl) missing.push('domain' as never);
  if (missing.length) throw new Error(`click-to-call server: missing ${missing.join(', ')}`);
  const baseUrl = (options.baseUrl ?? `https://${options.domain}`).replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`click-to-call server: ${baseUrl} is not a URL`);
  }
  const loopback = url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost');
  if (url.protocol !== 'https:' && !loopback) throw new Error('click-to-call server: the CEC URL must be https (http only on 127.0.0.1)');
  const number = (value: number | undefined, fallback: number, name: string, max = Infinity) => {
    if (value === undefined) return fallback;
    if (!Number.isFinite(value) || value <= 0 || value > max) throw new Error(`click-to-call server: ${name} must be a number from 1 to ${max}`);
    return value;
  };
  return {
    ...options,
    baseUrl,
    allowedOrigins: options.allowedOrigins ?? [],
    rateLimit: number(options.rateLimit, 20, 'rateLimit'),
    mount: (options.mount ?? '/apiaccess/ccmessaging').replace(/\/+$/, ''),
    accessTokenLifetime: number(options.accessTokenLifetime, 3600, 'accessTokenLifetime', 3600),
    upstreamTimeout: number(options.upstreamTimeout, 10_000, 'upstreamTimeout'),
    maxBodyBytes: number(options.maxBodyBytes, 4096, 'maxBodyBytes'),
    exposeAccessToken: options.exposeAccessToken ?? false,
    logger: options.logger ?? console,
  };
}

/** The AccessToken: cached until shortly before it expires, one tokenByAkSk at a time however many ask. */
function accessTokenCache(config: Config, remember: (token: string) => void) {
  let current: { token: string; until: number } | undefined;
  let pending: Promise<string> | undefined;
  const fetchToken = async () => {
    const response = await fetch(`${config.baseUrl}/apigovernance/api/oauth/tokenByAkSk`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Token-Expire': String(config.accessTokenLifetime) },
      body: JSON.stringify({ app_key: config.appKey, app_secret: config.appSecret }),
      signal: AbortSignal.timeout(config.upstreamTimeout),
    }).catch((error: Error) => {
      throw error.name === 'TimeoutError'
        ? new Refusal(504, 'upstream-timeout', 'CEC did not answer in time')
        : new Refusal(502, 'upstream', 'CEC could not be reached');
    });
    const answer = (await response.json().catch(() => undefined)) as { AccessToken?: unknown; Expires?: unknown } | undefined;
    if (!response.ok || typeof answer?.AccessToken !== 'string') {
      throw new Refusal(502, 'upstream', `tokenByAkSk failed (HTTP ${response.status}): check the app key and secret`);
    }
    remember(answer.AccessToken);
    const lifetime = Number(answer.Expires) || config.accessTokenLifetime;
    current = { token: answer.AccessToken, until: Date.now() + (lifetime - Math.min(ACCESS_TOKEN_MARGIN_S, lifetime / 5)) * 1000 };
    return answer.AccessToken;
  };
  const load = () => (pending ??= fetchToken().finally(() => (pending = undefined)));
  return {
    get: () => (current && Date.now() < current.until ? Promise.resolve(current.token) : load()),
    /** CEC refused `stale`: renew it, unless another request already did. */
    renew: (stale: string) => {
      if (current?.token === stale) current = undefined;
      return current ? Promise.resolve(current.token) : load();
    },
  };
}

/** A sliding one-minute window per client; answers the seconds to wait, or 0. */
function rateLimiter(perMinute: number) {
  const hits = new Map<string, number[]>();
  return (client: string): number => {
    const now = Date.now();
    const recent = (hits.get(client) ?? []).filter((at) => now - at < 60_000);
    if (recent.length >= perMinute) return Math.ceil((recent[0] + 60_000 - now) / 1000);
    recent.push(now);
    hits.set(client, recent);
    if (hits.size > 10_000) hits.delete(hits.keys().next().value!); // bounded memory under a flood of clients
    return 0;
  };
}

function clientOf(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

/** The body as JSON (an empty body is `{}`); over `max` bytes is 413, anything but a JSON object 400. */
async function readJson(req: IncomingMessage, max: number): Promise<unknown> {
  if (Number(req.headers['content-length'] ?? 0) > max) throw new Refusal(413, 'too-large', `bodies are limited to ${max} bytes`);
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw new Refusal(413, 'too-large', `bodies are limited to ${max} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json === 'object' && json !== null && !Array.isArray(json)) return json;
  } catch {
    // reported below
  }
  throw new Refusal(400, 'bad-request', 'the body must be a JSON object');
}

/** Only what CEC documents goes upstream: `{channel, mediaAbility}` for create, `{channel}` for drop. */
function validBody(operation: string, json: Record<string, unknown>) {
  const { channel, mediaAbility } = json;
  if (typeof channel !== 'string' || !/^[A-Z0-9_]{1,32}$/.test(channel)) throw new Refusal(400, 'bad-request', 'channel is missing or invalid');
  if (operation === 'dropClickToCall') return { channel };
  if (mediaAbility !== '0' && mediaAbility !== '1') throw new Refusal(400, 'bad-request', 'mediaAbility must be "0" or "1"');
  return { channel, mediaAbility };
}

function originAllowed(origin: string, req: IncomingMessage, allowed: readonly string[]): boolean {
  const host = req.headers['x-forwarded-host'] ?? req.headers.host;
  return allowed.includes(origin) || [`http://${host}`, `https://${host}`].includes(origin);
}

function cors(origin: string): Record<string, string> {
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Credentials': 'true',
    'Access-Control-Expose-Headers': 'ccmessaging-token',
    Vary: 'Origin',
  };
}

const preflight = {
  'Access-Control-Allow-Methods': 'GET, POST',
  'Access-Control-Allow-Headers': 'Content-Type, ccmessaging-token',
  'Access-Control-Max-Age': '600',
};

/** A random anonymous id per browser, kept in an HttpOnly, Secure, SameSite cookie. */
function anonymousVisitor(req: IncomingMessage, res: ServerResponse): Visitor {
  const existing = /(?:^|;\s*)ctc_visitor=([a-f0-9]{32})(?:;|$)/.exec(req.headers.cookie ?? '')?.[1];
  if (existing) return { userId: existing };
  const userId = randomBytes(16).toString('hex');
  res.setHeader('Set-Cookie', `${COOKIE}=${userId}; Path=/; Max-Age=31536000; HttpOnly; Secure; SameSite=Lax`);
  return { userId };
}

/** The first language of Accept-Language in CEC's form (`en`, `zh_CN`), else `en`. */
function localeOf(req: IncomingMessage): string {
  const first = /^([a-z]{2})(?:-([A-Z]{2}))?/.exec(req.headers['accept-language'] ?? '');
  return first ? (first[2] ? `${first[1]}_${first[2]}` : first[1]) : 'en';
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}
