import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { AccessTokens } from './access-token.js';
import { adminHandler, type Health } from './admin.js';
import { passedOn } from './cec-answers.js';
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
  // A message or a rating can be spam (a limit of their own, per hour), and CEC may have saved it before refusing.
  ['doLeaveMessage', { method: 'POST', bucket: 'message', body: bodies.doLeaveMessage, resend: false }],
  ['saveSatisfaction', { method: 'POST', bucket: 'message', body: bodies.saveSatisfaction, resend: false }],
]);
/** `<mount>/token`: a visitor's token, at the costly limit. */
const tokenRoute = { method: 'POST', bucket: 'call' } as const;

/**
 * The server half of `<click-to-call>`: `POST <mount>/token` turns the app key and secret into a visitor's
 * short-lived token (tokenByAkSk → applyToken), and `<mount>/v1/<operation>` (the four click-to-dial
 * operations) and `<mount>/<operation>` (doLeaveMessage, getsatisfactionsurveymode, saveSatisfaction) forward
 * CEC's operations with the gateway credentials added server-side. A standard `(req, res, next?)` handler for
 * `node:http`, Express, Connect and Vite's dev server; no request makes it throw. What CEC answers reaches the
 * browser rebuilt from the fields CEC documents for the operation, never as CEC wrote it.
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
  const fullWarnedAt = { call: 0, poll: 0, message: 0 };
  const limit = visitorLimits(
    config,
    (bucket) => {
      if (Date.now() - fullWarnedAt[bucket] < 60_000) return;
      fullWarnedAt[bucket] = Date.now();
      log.warn(`${config.maxTrackedVisitors} visitors are counted by the ${bucket} limit: new visitors wait`);
    },
    redis && { link: redis, prefix },
  );
  const anonymous = config.identify ? undefined : anonymousVisitors(config.visitorCookieKey ?? cookieKeyFrom(config.appSecret));
  const identify = config.identify ?? anonymous!;

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
   * once, is the one layer that decides. The answer comes with the AccessToken it answered (the renewed one after
   * a resend), which it must not echo.
   */
  async function withGateway(
    path: string,
    init: RequestInit & { headers: Record<string, string> },
    resend = true,
  ): Promise<UpstreamAnswer & { accessToken: string }> {
    const send = async (accessToken: string) => ({
      ...(await requestCec(config, path, { ...init, headers: { ...init.headers, 'x-app-key': config.appKey, Authorization: `Bearer ${accessToken}` } }, observe)),
      accessToken,
    });
    const token = await accessTokens.get();
    const answer = await send(token);
    if (answer.status !== 401 && answer.status !== 403) return answer;
    const renewed = await accessTokens.renewAfterRefusal(token);
    return renewed && resend ? send(renewed) : answer;
  }

  /** The visitor, from `found` (identify()'s answer): a userId of 1–32 UTF-16 units, as CEC counts them. */
  function checkedVisitor(found: Visitor | undefined): Visitor {
    const userId: unknown = found?.userId;
    if (typeof userId !== 'string' || userId.length < 1 || userId.length > 32 || !wellFormed(userId)) {
      throw new Error('identify() must return a userId of 1–32 characters (UTF-16 units)');
    }
    return found!;
  }

  async function visitorOf(req: IncomingMessage, res: ServerResponse): Promise<Visitor> {
    return checkedVisitor(await identify(req, res));
  }

  /**
   * The visitor's id where CEC takes 1–24 characters: doLeaveMessage's callId ("User ID") and saveSatisfaction's
   * userId. It is the id applyToken got, from identify(), never one the browser sends; and the ccmessaging-token
   * must be that visitor's. Never issues a cookie: without a valid one, the default identify() refuses (403).
   */
  async function shortVisitorId(req: IncomingMessage, res: ServerResponse, visitorToken: string): Promise<string> {
    const found = anonymous ? anonymous.known(req) : await identify(req, res);
    if (!found) throw new Refusal(403, 'forbidden', 'this visitor is not known: ask for a token first', {}, 'no valid visitor cookie (a message or a rating never issues one)');
    const { userId } = checkedVisitor(found);
    // The anonymous cookie may hold a 32-character id from before ids had 24 (see visitor-cookie.ts).
    const id = anonymous ? shortAnonymousId(userId) : userId;
    if (id.length > 24) {
      const detail = `identify() must give userIds of at most 24 characters to leave messages and rate calls (CEC's callId/userId); this one has ${id.length}`;
      throw new Refusal(400, 'bad-request', 'this visitor cannot leave messages or rate calls', {}, detail);
    }
    // CEC's tokens name their user (cec-api.md §4): one that names another is refused; an opaque one is not checked.
    const named = userIdIn(visitorToken);
    if (named !== undefined && named !== userId) {
      throw new Refusal(403, 'forbidden', 'the token is not this visitor\'s', {}, 'the ccmessaging-token names another userId than identify() gives');
    }
    return id;
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

  /**
   * One of the seven operations, forwarded. CEC's answer reaches the browser with CEC's status, rebuilt from the
   * fields CEC documents for the operation (cec-answers.ts); one that holds a credential is not passed on (502).
   */
  async function forward(req: IncomingMessage, res: ServerResponse, route: string, search: URLSearchParams): Promise<LoggedAnswer> {
    const visitorToken = req.headers['ccmessaging-token'];
    if (!headerSafe(visitorToken)) throw new Refusal(400, 'bad-request', 'the ccmessaging-token header is missing or malformed');
    const operation = operations.get(route)!;
    const name = route.split('/').pop()!;
    let body: string | undefined;
    let query = '';
    if (operation.method === 'POST') {
      const json = await readJson(req, config.maxBodyBytes, config.bodyTimeout);
      const server = { visitorId: () => shortVisitorId(req, res, visitorToken), channelConfigId: config.channelId };
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
    // Compared as CEC sent it and as JSON writes it again (a secret with `/` may come as `\/`, or escaped as \uXXXX).
    const texts = [answer.text, JSON.stringify(answer.json)];
    if ([config.appKey, config.appSecret, answer.accessToken].some((secret) => texts.some((text) => text.includes(secret)))) {
      throw new UpstreamFailure(502, name, `echoed a credential (the app key, the app secret or the AccessToken) in its answer (HTTP ${answer.status}): not passed on`);
    }
    const { status, json } = answer;
    const rotated = answer.headers.get('ccmessaging-token');
    const errorCode = json.errorCode === undefined ? '' : `, errorCode "${String(json.errorCode).replace(/[^\x20-\x7e]/g, '?').slice(0, 64)}"`;
    return {
      status,
      body: JSON.stringify(passedOn(name, json)),
      headers: headerSafe(rotated) ? { 'ccmessaging-token': rotated } : {},
      detail: status < 200 || status > 299 ? `${name}: CEC answered HTTP ${status}${errorCode}` : undefined,
    };
  }

  /** What `req` asks for, or a refusal; every request under the mount counts against its visitor's limit. */
  async function handle(req: IncomingMessage, res: ServerResponse, url: URL, originAllowed: boolean): Promise<LoggedAnswer> {
    const route = url.pathname.slice(`${mount}/`.length);
    const target = route === 'token' ? tokenRoute : operations.get(route);
    await limit(target && req.method === target.method ? target.bucket : 'poll', req);
    // `\`, `.`/`..` and `%2e` segments would be resolved into another route (`doLeaveMessage\..\token` is /token).
    if (url.pathname !== req.url!.split('?')[0]) throw new Refusal(400, 'bad-request', 'the request path is not in its normal form');
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
    // Its own: a path under the mount, as written or once resolved (a path that is not in its normal form is refused).
    const ours = (path: string) => path === `${mount}/token` || path.startsWith(`${mount}/`);
    if (!url || (!ours(url.pathname) && !ours(req.url!.split('?')[0]))) {
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
      .catch((error: unknown): LoggedAnswer => {
        if (error instanceof Refusal) {
          if (error.status < 500) metrics.refused.inc({ reason: refusalReason(error) });
          return { ...refusalAnswer(error), detail: error.detail };
        }
        return { ...refusalAnswer(new Refusal(500, 'internal', 'internal error')), detail: `unexpected failure: ${(error as Error)?.message}` };
      })
      .then((answer: LoggedAnswer) => {
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

/** An answer, and for the log line why it failed. */
type LoggedAnswer = Answer & { readonly detail?: string };

/** Whether `value` has no lone surrogate (ES2024's `isWellFormed`, in Node ≥ 20). */
const wellFormed = (value: string) => (value as string & { isWellFormed(): boolean }).isWellFormed();

/**
 * The userId a ccmessaging-token names, if it is in CEC's documented form (cec-api.md §4: URL-encoded Base64 of
 * JSON with tenantId, channelId, userId and createTime); `undefined` for an opaque token.
 */
function userIdIn(token: string): string | undefined {
  try {
    const base64 = decodeURIComponent(token);
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(base64)) return undefined;
    const claims: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(base64, 'base64')));
    const userId = typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>).userId : undefined;
    return typeof userId === 'string' ? userId : undefined;
  } catch {
    return undefined;
  }
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
