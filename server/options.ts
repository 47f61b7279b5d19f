import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import ipaddr from 'ipaddr.js';
import type { Logger } from 'pino';
import proxyaddr from 'proxy-addr';
import { defaultLogger } from './log.js';

/** Who the visitor is, for applyToken. */
export interface Visitor {
  /**
   * 1–32 characters (UTF-16 units, as CEC counts), stable for one visitor. At most 24 to leave messages and rate
   * calls: CEC's doLeaveMessage callId and saveSatisfaction userId take 1–24 (a longer one gets 400 there).
   */
  readonly userId: string;
  readonly userName?: string;
  /** `en`, `zh`, `en_US`…; default from the request's Accept-Language, else `en`. */
  readonly locale?: string;
}

/** Which proxies may tell the client's address in `X-Forwarded-For`, as Express's `trust proxy` setting. */
export type TrustProxy = false | number | string | readonly string[];

export interface TokenServiceOptions {
  /** CEC's domain, e.g. `service.besclouds.com`; upstream is `https://<domain>` unless `baseUrl` is set. */
  readonly domain?: string;
  /** Upstream origin. Must be https, except `http://127.0.0.1:…`/`http://localhost:…` (tests). */
  readonly baseUrl?: string;
  readonly appKey: string;
  readonly appSecret: string;
  /** The WEB channel's "Configuration ID". */
  readonly channelId: string;
  /** The site's own origin, e.g. `https://shop.example`: browsers send it on same-origin POSTs. */
  readonly publicOrigin?: string;
  /** Other origins allowed to call cross-origin (CORS). */
  readonly allowedOrigins?: readonly string[];
  /** Requests per minute per visitor for `/token` and `createClickToCall`. Default 20. */
  readonly rateLimit?: number;
  /** Requests per minute per visitor for everything else (polling, support check, drop, survey mode). Default 300. */
  readonly rateLimitPoll?: number;
  /**
   * Messages and ratings (`doLeaveMessage` and `saveSatisfaction` together) per **hour** per visitor address,
   * counted apart from `rateLimit`. Default 6. There is no cap over all visitors: one attacker could spend it.
   */
  readonly rateLimitMessage?: number;
  /**
   * Whose `X-Forwarded-For` tells the visitor's address: `false` (default: the connection's address), a hop
   * count, or addresses/CIDRs (`loopback`, `uniquelocal`, `10.0.0.1`, `10.0.0.0/8`…) — Express's semantics.
   */
  readonly trustProxy?: TrustProxy;
  /**
   * Visitors counted at once per limit, which bounds the limits' memory (about 21 MB each at the default 50000):
   * past it, visitors not yet counted get 429 until counts expire (a minute at most; an hour for messages).
   */
  readonly maxTrackedVisitors?: number;
  /** Key that signs the anonymous visitor cookie (≥ 32 characters). Default: derived from the app secret. */
  readonly visitorCookieKey?: string;
  /** Where the service answers. Default `/apiaccess/ccmessaging`, the element's default `api-base`. */
  readonly mount?: string;
  /**
   * The visitor behind a request. Default: a random anonymous id kept in a signed HttpOnly, Secure, SameSite cookie
   * (issued by `/token`; doLeaveMessage and saveSatisfaction never issue one, and answer 403 without it).
   */
  readonly identify?: (req: IncomingMessage, res: ServerResponse) => Visitor | Promise<Visitor>;
  /** AccessToken lifetime asked of tokenByAkSk, in seconds (≤ 3600). Default 3600. */
  readonly accessTokenLifetime?: number;
  /** Milliseconds allowed per upstream request, its body included. Default 10000. */
  readonly upstreamTimeout?: number;
  /**
   * Milliseconds allowed for getClickToCallEvents, which CEC may hold until something happens (a long poll).
   * Default 35000, the element's `poll-timeout`; keep it at least that, and at least `upstreamTimeout`.
   */
  readonly pollTimeout?: number;
  /** Largest request body accepted, in bytes. Default 4096. */
  readonly maxBodyBytes?: number;
  /** Milliseconds allowed to receive a request body. Default 30000. */
  readonly bodyTimeout?: number;
  /** Also hand the browser `appKey` and `accessToken`, for sites that call CEC directly. Logs a warning. */
  readonly exposeAccessToken?: boolean;
  /**
   * Where JSON log lines go: a pino logger (the service logs through a child named `click-to-call`, with its
   * own redaction). Default: pino on standard output. Lines never contain the secret or a token.
   */
  readonly logger?: Logger;
  /**
   * Redis (or Valkey) shared by every instance of the service: a `redis://` / `rediss://` URL, or an ioredis
   * client the site already has. Rate limits and the AccessToken are then shared; while Redis is unreachable
   * each instance goes on with its own memory. Default: none (one instance, memory only).
   */
  readonly redis?: string | Redis;
}

export interface Config {
  readonly baseUrl: string;
  readonly appKey: string;
  readonly appSecret: string;
  readonly channelId: string;
  /** The public origin and the allowed ones. */
  readonly origins: ReadonlySet<string>;
  readonly rateLimit: number;
  readonly rateLimitPoll: number;
  readonly rateLimitMessage: number;
  readonly trustProxy: (address: string, hop: number) => boolean;
  readonly maxTrackedVisitors: number;
  readonly visitorCookieKey: string | undefined;
  readonly mount: string;
  readonly identify: TokenServiceOptions['identify'];
  readonly accessTokenLifetime: number;
  readonly upstreamTimeout: number;
  readonly pollTimeout: number;
  readonly maxBodyBytes: number;
  readonly bodyTimeout: number;
  readonly exposeAccessToken: boolean;
  readonly logger: Logger;
  readonly redis: string | Redis | undefined;
}

const fail = (message: string): never => {
  throw new Error(`click-to-call server: ${message}`);
};

/**
 * An origin exactly as browsers send it (`https://shop.example`, `http://localhost:5173`): anything else —
 * `*`, a path, a trailing slash, no scheme, upper case — stops start-up with a message naming `name`.
 */
export function readOrigin(value: string, name: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== value) {
    const hint = url && (url.protocol === 'https:' || url.protocol === 'http:') ? ` (write ${url.origin})` : '';
    fail(`${name}: "${value}" is not an origin such as https://shop.example${hint}`);
  }
  return value;
}

/** More hops than any real chain of proxies: trusting them would believe whatever a client writes. */
const MAX_HOPS = 10;

/**
 * A `trust proxy` setting as a function of (address, hop), or a message naming `name`. Settings that would
 * trust any client (`true`, a hop count above 10, a range as wide as 0.0.0.0/1) are refused.
 */
export function readTrustProxy(value: TrustProxy | undefined, name: string): (address: string, hop: number) => boolean {
  if (value === undefined || value === false) return () => false;
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || value > MAX_HOPS) fail(`${name} must be false, a hop count from 0 to ${MAX_HOPS}, or addresses`);
    return (_address, hop) => hop < value;
  }
  const list = typeof value === 'string' ? value.split(',').map((entry) => entry.trim()).filter(Boolean) : [...value];
  for (const entry of list) {
    const range = rangeOf(entry);
    if (range && range.bits < (range.kind === 'ipv4' ? 8 : 7)) fail(`${name}: ${entry} would trust a large part of the internet; list your proxies`);
  }
  try {
    return proxyaddr.compile(list);
  } catch (error) {
    return fail(`${name}: ${(error as Error).message}`);
  }
}

/** A range's kind and prefix length, `10.0.0.0/255.0.0.0` and IPv4-mapped `::ffff:0:0/96` read as IPv4. */
function rangeOf(entry: string): { kind: 'ipv4' | 'ipv6'; bits: number } | undefined {
  const [address, mask] = entry.split('/');
  if (mask === undefined || !ipaddr.isValid(address)) return undefined;
  const ip = ipaddr.parse(address);
  const bits = /^\d+$/.test(mask) ? Number(mask) : ipaddr.isValid(mask) ? ipaddr.parse(mask).prefixLengthFromSubnetMask() : null;
  if (bits === null) return undefined; // proxy-addr refuses it
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) return { kind: 'ipv4', bits: bits - 96 };
  return { kind: ip.kind(), bits };
}

/** A pino logger (anything with `child()` and the levels); `console`, which has no `child()`, is refused. */
function readLogger(logger: TokenServiceOptions['logger']): Logger {
  if (logger === undefined) return defaultLogger();
  const pinoLike = ['child', 'info', 'warn', 'error'].every((method) => typeof (logger as unknown as Record<string, unknown>)[method] === 'function');
  if (!pinoLike) fail('logger must be a pino logger, e.g. pino() from the pino package');
  return logger;
}

/** A `redis://` / `rediss://` URL (never echoed: it may hold a password) or an ioredis client. */
function readRedis(redis: TokenServiceOptions['redis']): string | Redis | undefined {
  if (redis === undefined || redis === '') return undefined;
  if (typeof redis === 'string') {
    let protocol: string | undefined;
    try {
      protocol = new URL(redis).protocol;
    } catch {
      // reported below
    }
    if (protocol !== 'redis:' && protocol !== 'rediss:') fail('redis must be a URL such as "redis://127.0.0.1:6379" ("rediss://…" for TLS)');
    return redis;
  }
  const ioredisLike = typeof redis === 'object' && typeof redis.status === 'string' && typeof redis.eval === 'function';
  if (!ioredisLike) fail('redis must be a redis:// URL or an ioredis client');
  return redis;
}

/** Checks the options at start-up: a missing or unsafe setting throws with a message that says what to set. */
export function readOptions(options: TokenServiceOptions): Config {
  const missing = (['appKey', 'appSecret', 'channelId'] as const).filter((key) => !options[key]);
  if (!options.domain && !options.baseUrl) missing.push('domain' as never);
  if (missing.length) fail(`missing ${missing.join(', ')}`);
  const baseUrl = (options.baseUrl ?? `https://${options.domain}`).replace(/\/+$/, '');
  let url: URL | undefined;
  try {
    url = new URL(baseUrl);
  } catch {
    // Not echoed: a mistyped URL may hold credentials.
    fail(options.baseUrl ? 'baseUrl is not a URL' : 'domain is not a host name such as service.besclouds.com');
  }
  if (options.domain && !options.baseUrl && url!.host !== options.domain.toLowerCase()) {
    fail('domain is not a host name such as service.besclouds.com');
  }
  const loopback = url!.protocol === 'http:' && (url!.hostname === '127.0.0.1' || url!.hostname === 'localhost');
  if (url!.protocol !== 'https:' && !loopback) fail('the CEC URL must be https (http only on 127.0.0.1)');
  // Only an origin: a path, query or fragment would move where the secret is sent.
  if (url!.username || url!.password) fail(`${options.baseUrl ? 'baseUrl' : 'domain'} must not contain credentials`);
  if (baseUrl !== url!.origin) fail(`baseUrl must be an origin, without path, query or fragment (write ${url!.origin})`);

  const integer = (value: number | undefined, fallback: number, name: string, max = Number.MAX_SAFE_INTEGER) => {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value <= 0 || value > max) fail(`${name} must be a whole number from 1 to ${max}`);
    return value;
  };
  const origins = new Set((options.allowedOrigins ?? []).map((origin) => readOrigin(origin, 'allowedOrigins')));
  if (options.publicOrigin !== undefined) origins.add(readOrigin(options.publicOrigin, 'publicOrigin'));
  // Browsers send Origin on every POST, same-origin ones included: with no origin configured, none would pass.
  if (!origins.size) fail('set publicOrigin (the site\'s own origin, e.g. https://shop.example) or allowedOrigins');
  if (options.visitorCookieKey !== undefined && options.visitorCookieKey.length < 32) {
    fail('visitorCookieKey must be at least 32 characters');
  }
  return {
    baseUrl,
    appKey: options.appKey,
    appSecret: options.appSecret,
    channelId: options.channelId,
    origins,
    rateLimit: integer(options.rateLimit, 20, 'rateLimit'),
    rateLimitPoll: integer(options.rateLimitPoll, 300, 'rateLimitPoll'),
    rateLimitMessage: integer(options.rateLimitMessage, 6, 'rateLimitMessage'),
    trustProxy: readTrustProxy(options.trustProxy, 'trustProxy'),
    maxTrackedVisitors: integer(options.maxTrackedVisitors, 50_000, 'maxTrackedVisitors'),
    visitorCookieKey: options.visitorCookieKey,
    mount: (options.mount ?? '/apiaccess/ccmessaging').replace(/\/+$/, ''),
    identify: options.identify,
    accessTokenLifetime: integer(options.accessTokenLifetime, 3600, 'accessTokenLifetime', 3600),
    upstreamTimeout: integer(options.upstreamTimeout, 10_000, 'upstreamTimeout'),
    pollTimeout: Math.max(integer(options.pollTimeout, 35_000, 'pollTimeout'), integer(options.upstreamTimeout, 10_000, 'upstreamTimeout')),
    maxBodyBytes: integer(options.maxBodyBytes, 4096, 'maxBodyBytes'),
    bodyTimeout: integer(options.bodyTimeout, 30_000, 'bodyTimeout'),
    exposeAccessToken: options.exposeAccessToken ?? false,
    logger: readLogger(options.logger),
    redis: readRedis(options.redis),
  };
}
