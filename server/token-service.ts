import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { AccessTokens } from './access-token.js';
import { adminHandler, type Health } from './admin.js';
import * as bodies from './cec-bodies.js';
import { declaresBody, readJson, Refusal, refusalAnswer, writeAnswer, type Answer } from './http.js';
import { serviceLog } from './log.js';
import { serviceMetrics, type RefusalReason, type UpstreamObserver } from './metrics.js';
import { readOptions, type TokenServiceOptions, type Visitor } from './options.js';
import { visitorLimits, type Bucket } from './rate-limit.js';
import { RedisLink } from './redis-link.js';
import { sharedAccessTokens } from './shared-access-token.js';
import { headerSafe, requestCec, tokenByAkSk, UpstreamFailure, type UpstreamAnswer } from './upstream.js';
import { anonymousVisitors, cookieKeyFrom, shortAnonymousId } from './visitor-cookie.js';

export type TokenServiceHandler = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

/** The service's request handler, and what its operators need beside it. */
export interface TokenService extends TokenServiceHandler {
  /** `GET /healthz` and `GET /metrics`, for a listener visitors cannot reach. */
  readonly admin: (req: IncomingMessage, res: ServerResponse) => void;
  /** The prom-client registry behind `/metrics` (add default or the site's own metrics to it, or merge it). */
  readonly registry: Registry;
  /** What `/healthz` answers. */
  health(): Promise<Health>;
  /** Closes the Redis connection the service opened (a client the site gave is left open). */
  close(): Promise<void>;
}

/**
 * A forwarded operation: its method, its rate limit, and for a POST what it may send CEC and whether it is sent
 * again after CEC refused the AccessToken (not when CEC may already have acted on it).
 */
type Operation = { method: 'GET'; bucket: Bucket } | { method: 'POST'; bucket: Bucket; body: bodies.BodyRule; resend: boolean };

/**
 * The seven CEC operations, all the proxy forwards, by their path under the mount — which is also their path
 * under CEC's `/apiaccess/ccmessaging/`: the four click-to-dial ones under `v1/`, the three around a call without it.
 */
const operations = new Map<string, Operation>([
  ['v1/checkClickToCallSupport', { method: 'GET', bucket: 'poll' }],
  ['v1/createClickToCall', { method: 'POST', bucket: 'call', body: bodies.createClickToCall, resend: false }],
  ['v1/getClickToCallEvents', { method: 'GET', bucket: 'poll' }],
  ['v1/dropClickToCall', { method: 'POST', bucket: 'poll', body: bodies.dropClickToCall, resend: true }],
  ['getsatisfactionsurveymode', { method: 'POST', bucket: 'poll', body: bodies.getSatisfactionSurveyMode, resend: true }],
  // A message or a rating can be spam, and CEC may have saved it before refusing.
  ['doLeaveMessage', { method: 'POST', bucket: 'call', body: bodies.doLeaveMessage, resend: false }],
  ['saveSatisfaction', { method: 'POST', bucket: 'call', body: bodies.saveSatisfaction, resend: false }],
]);
/** `<mount>/token`: a visitor's token, at the costly limit. */
const tokenRoute = { method: 'POST', bucket: 'call' } as const;

/**
 * The server half of `<click-to-call>`: `POST <mount>/token` turns the app key and secret into a visitor's
 * short-lived token (tokenByAkSk → applyToken), and `<mount>/v1/<operation>` (the four click-to-dial
 * operations) and `<mount>/<operation>` (doLeaveMessage, getsatisfactionsurveymode, saveSatisfaction) forward
 * CEC's operations with the gateway credentials added server-side. A standard `(req, res, next?)` handler for
 * `node:http`, Express, Connect and Vite's dev server; no request makes it throw.
 */
export function createTokenService(options: TokenServiceOptions): TokenService {
  const config = readOptions(options);
  const { mount } = config;
  const log = serviceLog(config.logger);
  const metrics = serviceMetrics();
  const observe: UpstreamObserver = (operation, outcome, seconds) => {
    metrics.upstreamRequests.inc({ operation, status: String(outcome) });
    metrics.upstreamSeconds.observe({ operation }, seconds);
  };
  // Keys per CEC tenant, so that tenants may share one Redis; the AccessToken's in one hash slot (Redis Cluster).
  const tenant = createHash('sha256').update(`${config.baseUrl}\n${config.appKey}`).digest('hex').slice(0, 16);
  const prefix = `click-to-call:${tenant}:`;
  const redis = config.redis === undefined ? undefined : new RedisLink(config.redis, `${prefix}check`, redisEvents());
  const accessTokens = new AccessTokens(
    () => tokenByAkSk(config, observe),
    (error, retryInMs) => log.error(`${(error as Refusal).detail ?? (error as Error).message}; next tokenByAkSk in ${retryInMs / 1000} s`),
    redis && sharedAccessTokens(redis, `click-to-call:{${tenant}}:`, config.appSecret, config.upstreamTimeout),
  );
  if (config.exposeAccessToken) log.warn('exposeAccessToken is on: the AccessToken and app key reach browsers');
  const fullWarnedAt = { call: 0, poll: 0 };
  const limit = visitorLimits(
    config,
    (bucket) => {
      if (Date.now() - fullWarnedAt[bucket] < 60_000) return;
      fullWarnedAt[bucket] = Date.now();
      log.warn(`${config.maxTrackedVisitors} visitors are counted by the ${bucket} limit: new visitors wait`);
    },
    redis && { link: redis, prefix },
  );
  const identify = config.identify ?? anonymousVisitors(config.visitorCookieKey ?? cookieKeyFrom(config.appSecret));

  function redisEvents() {
    return {
      down(why: string) {
        metrics.redisFallbacks.inc();
        metrics.redisUp.set(0);
        log.warn(`Redis is unreachable (${why}): rate limits and the AccessToken are this instance's own until it answers again`);
      },
      up(recovered: boolean) {
        metrics.redisUp.set(1);
        if (recovered) log.info('Redis answers again: rate limits and the AccessToken are shared again');
      },
    };
  }

  async function health(): Promise<Health> {
    const [accessToken, redisState] = await Promise.all([
      accessTokens.get().then(
        () => 'ok',
        (error: unknown) => `down: ${(error as Refusal).detail ?? 'tokenByAkSk failed'}`,
      ),
      redis ? redis.answers().then((answers): Health['redis'] => (answers ? 'ok' : 'down')) : ('off' as const),
    ]);
    return { status: accessToken === 'ok' && redisState !== 'down' ? 'ready' : 'unavailable', accessToken, redis: redisState };
  }

  /**
   * An upstream call with the gateway credentials; a refusal renews the AccessToken when it may be the cause,
   * and sends again, except with `resend: false` (createClickToCall, doLeaveMessage, saveSatisfaction): CEC may
   * have acted before refusing (createClickToCall's 403 "request timed out"), and the browser, which retries
   * once, is the one layer that decides.
   */
  async function withGateway(path: string, init: RequestInit & { headers: Record<string, string> }, resend = true): Promise<UpstreamAnswer> {
    const send = (accessToken: string) =>
      requestCec(config, path, { ...init, headers: { ...init.headers, 'x-app-key': config.appKey, Authorization: `Bearer ${accessToken}` } }, observe);
    const token = await accessTokens.get();
    const answer = await send(token);
    if (answer.status !== 401 && answer.status !== 403) return answer;
    const renewed = await accessTokens.renewAfterRefusal(token);
    return renewed && resend ? send(renewed) : answer;
  }

  async function visitorOf(req: IncomingMessage, res: ServerResponse): Promise<Visitor> {
    const visitor = await identify(req, res);
    if (typeof visitor?.userId !== 'string' || !/^.{1,32}$/u.test(visitor.userId)) {
      throw new Error('identify() must return a userId of 1–32 characters');
    }
    return visitor;
  }

  /**
   * The visitor's id where CEC takes 1–24 characters: doLeaveMessage's callId ("User ID") and saveSatisfaction's
   * userId. It is the id applyToken got, from identify(), never one the browser sends.
   */
  async function shortVisitorId(req: IncomingMessage, res: ServerResponse): Promise<string> {
    const { userId } = await visitorOf(req, res);
    // The anonymous cookie may hold a 32-character id from before ids had 24 (see visitor-cookie.ts).
    const id = config.identify ? userId : shortAnonymousId(userId);
    const length = [...id].length;
    if (length <= 24) return id;
    const detail = `identify() must give userIds of at most 24 characters to leave messages and rate calls (CEC's callId/userId); this one has ${length}`;
    throw new Refusal(400, 'bad-request', 'this visitor cannot leave messages or rate calls', {}, detail);
  }

  async function issueToken(req: IncomingMessage, res: ServerResponse): Promise<Answer> {
    await readJson(req, config.maxBodyBytes, config.bodyTimeout);
    const visitor = await visitorOf(req, res);
    const answer = await withGateway('/apiaccess/ccmessaging/applyToken', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        userId: visitor.userId,
        userName: visitor.userName ?? visitor.userId,
        channelId: config.channelId,
        locale: visitor.locale ?? localeOf(req),
      }),
    });
    const { token, resultCode } = answer.json;
    // applyToken answers {token}, {resultCode: "0", token} or {token, resultCode, resultDesc} (cec-api.md §4).
    if (answer.status !== 200 || !headerSafe(token) || (resultCode !== undefined && String(resultCode) !== '0')) {
      throw new UpstreamFailure(502, 'applyToken', `refused it (HTTP ${answer.status}, resultCode "${String(resultCode).slice(0, 8)}")`);
    }
    const grant: Record<string, unknown> = { token, expiresIn: 3600 };
    if (config.exposeAccessToken) Object.assign(grant, { appKey: config.appKey, accessToken: await accessTokens.get() });
    metrics.tokensIssued.inc();
    return { status: 200, body: JSON.stringify(grant) };
  }

  async function forward(req: IncomingMessage, res: ServerResponse, route: string, search: URLSearchParams): Promise<Answer> {
    const visitorToken = req.headers['ccmessaging-token'];
    if (!headerSafe(visitorToken)) throw new Refusal(400, 'bad-request', 'the ccmessaging-token header is missing or malformed');
    const operation = operations.get(route)!;
    let body: string | undefined;
    let query = '';
    if (operation.method === 'POST') {
      const json = await readJson(req, config.maxBodyBytes, config.bodyTimeout);
      const server = { visitorId: () => shortVisitorId(req, res), channelConfigId: config.channelId };
      body = JSON.stringify(await operation.body(json, server));
    } else {
      const channel = search.get('channel');
      if (!channel || !/^[A-Z0-9_]{1,32}$/.test(channel) || [...search.keys()].some((key) => key !== 'channel')) {
        throw new Refusal(400, 'bad-request', 'channel must be the only query parameter');
      }
      query = `?channel=${channel}`;
    }
    const answer = await withGateway(
      `/apiaccess/ccmessaging/${route}${query}`,
      { method: operation.method, headers: { 'Content-Type': 'application/json', 'ccmessaging-token': visitorToken }, body },
      operation.method === 'GET' || operation.resend,
    );
    const rotated = answer.headers.get('ccmessaging-token');
    return { status: answer.status, body: answer.text, headers: headerSafe(rotated) ? { 'ccmessaging-token': rotated } : {} };
  }

  /** What `req` asks for, or a refusal; every request under the mount counts against its visitor's limit. */
  async function handle(req: IncomingMessage, res: ServerResponse, url: URL, originAllowed: boolean): Promise<Answer> {
    const route = url.pathname.slice(`${mount}/`.length);
    const target = route === 'token' ? tokenRoute : operations.get(route);
    await limit(target && req.method === target.method ? target.bucket : 'poll', req);
    if (req.headers.origin !== undefined && !originAllowed) throw new Refusal(403, 'origin', 'this origin is not allowed');
    if (!target || (req.method !== target.method && req.method !== 'OPTIONS')) throw new Refusal(404, 'not-found', 'not found');
    if (req.method !== 'POST' && declaresBody(req)) throw new Refusal(400, 'bad-request', `${req.method} requests take no body`);
    if (req.method === 'OPTIONS') return { status: 204, body: '', headers: preflight };
    return route === 'token' ? issueToken(req, res) : forward(req, res, route, url.searchParams);
  }

  /** The request's id: a trusted proxy's `X-Request-Id` (nginx's `$request_id`), else a new one. */
  function requestId(req: IncomingMessage): string {
    const given = req.headers['x-request-id'];
    const peer = req.socket.remoteAddress;
    const trusted = peer !== undefined && config.trustProxy(peer, 0);
    return trusted && typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
  }

  const handler: TokenServiceHandler = (req, res, next) => {
    const url = requestPath(req);
    if (!url || (url.pathname !== `${mount}/token` && !url.pathname.startsWith(`${mount}/`))) {
      if (next) return next();
      const refusal = url ? new Refusal(404, 'not-found', 'not found') : new Refusal(400, 'bad-request', 'the request target is not a path');
      return writeAnswer(req, res, refusalAnswer(refusal));
    }
    const started = Date.now();
    const id = requestId(req);
    const origin = req.headers.origin;
    const originAllowed = typeof origin === 'string' && config.origins.has(origin);
    const corsHeaders: Record<string, string> = originAllowed ? cors(origin) : { Vary: 'Origin' };
    handle(req, res, url, originAllowed)
      .catch((error: unknown): Answer & { detail?: string } => {
        if (error instanceof Refusal) {
          if (error.status < 500) metrics.refused.inc({ reason: refusalReason(error) });
          return { ...refusalAnswer(error), detail: error.detail };
        }
        return { ...refusalAnswer(new Refusal(500, 'internal', 'internal error')), detail: `unexpected failure: ${(error as Error)?.message}` };
      })
      .then((answer: Answer & { detail?: string }) => {
        writeAnswer(req, res, { ...answer, headers: { ...corsHeaders, ...answer.headers, 'X-Request-Id': id } });
        const path = url.pathname.slice(0, 200);
        const fields = { requestId: id, method: req.method, path, status: answer.status, ms: Date.now() - started, detail: answer.detail };
        const line = `${req.method} ${path} ${answer.status} ${fields.ms} ms${answer.detail ? ` (${answer.detail})` : ''}`;
        if (answer.status >= 400 && answer.status < 500) log.refusal(answer.status, line, fields);
        else if (answer.status >= 500) log.error(line, fields);
        else log.info(line, fields);
      })
      .catch(() => res.destroy()); // a throwing logger must not leave the request hanging
  };
  return Object.assign(handler, {
    admin: adminHandler(health, metrics.registry),
    registry: metrics.registry,
    health,
    close: async () => redis?.close(),
  });
}

/** How `/metrics` counts a refusal of the service's own. */
const refusalReason = (refusal: Refusal): RefusalReason =>
  refusal.code === 'rate-limited' ? 'rate-limit' : refusal.code === 'origin' ? 'origin' : 'validation';

/** The request's path and query, or `undefined` for anything but an origin-form target (`/…`). */
function requestPath(req: IncomingMessage): URL | undefined {
  if (!req.url?.startsWith('/')) return undefined;
  try {
    // Prefixed, not resolved against a base: `//host` would otherwise be read as another host.
    return new URL(`http://service.invalid${req.url}`);
  } catch {
    return undefined;
  }
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

/** The first language of Accept-Language in CEC's form (`en`, `zh_CN`), else `en`. */
function localeOf(req: IncomingMessage): string {
  const first = /^([a-z]{2})(?:-([A-Z]{2}))?/.exec(req.headers['accept-language'] ?? '');
  return first ? (first[2] ? `${first[1]}_${first[2]}` : first[1]) : 'en';
}
