import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import ipaddr from 'ipaddr.js';
import proxyaddr from 'proxy-addr';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, RLWrapperTimeouts, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { Refusal } from './http.js';
import type { Config } from './options.js';
import { COMMAND_TIMEOUT_MS, type RedisLink } from './redis-link.js';

/**
 * `call`: `/token` and createClickToCall, at `rateLimit` a minute; `message`: doLeaveMessage and saveSatisfaction,
 * at `rateLimitMessage` an hour; `poll`: everything else, at `rateLimitPoll` a minute.
 */
export type Bucket = 'call' | 'poll' | 'message';

/** Every count lives one window: a minute, the messages' an hour. */
const WINDOW_MS: Readonly<Record<Bucket, number>> = { call: 60_000, poll: 60_000, message: 3_600_000 };
/** Past this many /64s of one IPv6 /48 (one site) in a window, the rest of that /48 counts as one visitor. */
const NETWORKS_PER_SITE = 64;

/**
 * Per-visitor limits over one-minute windows (messages and ratings: one-hour windows). Each visitor's count lives
 * for its window and is then dropped: nothing is evicted early, so no flood of other clients ever frees a limited
 * one. Memory is bounded by `maxTrackedVisitors` per bucket: past it, visitors not yet counted wait (429) until
 * counts expire — and an IPv6 block cannot get there alone, as a /48 counts as at most 64 visitors per window.
 *
 * With `redis`, the counts live in Redis under `prefix`, shared by every instance; while Redis is unreachable
 * (or slower than 500 ms), each instance counts in its own memory (rate-limiter-flexible's insurance limiter).
 */
export function visitorLimits(config: Config, onFull: (bucket: Bucket) => void, redis?: { link: RedisLink; prefix: string }) {
  const limiter = (bucket: Bucket, points: number) => {
    const duration = WINDOW_MS[bucket] / 1000;
    const memory = new RateLimiterMemory({ keyPrefix: bucket, points, duration });
    if (!redis) return { memory, shared: memory };
    const store = new RateLimiterRedis({
      storeClient: redis.link.client,
      keyPrefix: `${redis.prefix}limit:${bucket}`,
      points,
      duration,
      rejectIfRedisNotReady: true,
    });
    // The insurance answers for a Redis that fails or is slow; on the wrapper only, so that no request counts twice.
    return { memory, shared: new RLWrapperTimeouts({ limiter: store, timeoutMs: COMMAND_TIMEOUT_MS, insuranceLimiter: memory }) };
  };
  const limiters = {
    call: limiter('call', config.rateLimit),
    poll: limiter('poll', config.rateLimitPoll),
    message: limiter('message', config.rateLimitMessage),
  };
  const tracked: Record<Bucket, NewVisitors> = {
    call: new NewVisitors(WINDOW_MS.call),
    poll: new NewVisitors(WINDOW_MS.poll),
    message: new NewVisitors(WINDOW_MS.message),
  };
  // Which /64s of a /48 count alone, over the bucket's window: the hourly limit's own, so that a /48 cannot bring
  // 64 new /64s each minute to the messages.
  const minute = new Networks(config.maxTrackedVisitors, WINDOW_MS.call, 'site');
  const networks: Record<Bucket, Networks> = { call: minute, poll: minute, message: new Networks(config.maxTrackedVisitors, WINDOW_MS.message, 'message-site') };
  /** Counts the request against `bucket`; past the limit, a 429 with Retry-After. */
  return async (bucket: Bucket, req: IncomingMessage): Promise<void> => {
    const shared = redis && (await redis.link.usable()) ? redis : undefined;
    const key = await networks[bucket].of(clientAddress(req, config.trustProxy), shared);
    const counter: RateLimiterAbstract = shared ? limiters[bucket].shared : limiters[bucket].memory;
    if (tracked[bucket].full(config.maxTrackedVisitors) && !(await counter.get(key))) {
      onFull(bucket);
      throw new Refusal(429, 'rate-limited', 'too many requests', { 'Retry-After': String(WINDOW_MS[bucket] / 1000) });
    }
    try {
      const counted = await counter.consume(key);
      if (counted.isFirstInDuration) tracked[bucket].add();
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw new Refusal(429, 'rate-limited', 'too many requests', { 'Retry-After': String(seconds) });
    }
  };
}

/**
 * How many visitors a limiter may be holding: every count lives one window, so those alive now were all
 * created in this window or the one before.
 */
class NewVisitors {
  #windowStart = Date.now();
  #current = 0;
  #previous = 0;

  constructor(private readonly windowMs: number) {}

  add(): void {
    this.#roll();
    this.#current++;
  }

  /** Whether `max` or more may be held. */
  full(max: number): boolean {
    this.#roll();
    return this.#current + this.#previous >= max;
  }

  #roll() {
    const windows = Math.floor((Date.now() - this.#windowStart) / this.windowMs);
    if (windows < 1) return;
    this.#previous = windows === 1 ? this.#current : 0;
    this.#current = 0;
    this.#windowStart += windows * this.windowMs;
  }
}

/** Whether `network` (ARGV[1]) counts on its own in the site KEYS[1]: seen, or one of its first ARGV[2] in the window. */
const COUNTS_ALONE = `if redis.call('sismember', KEYS[1], ARGV[1]) == 1 then return 1 end
if redis.call('scard', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('sadd', KEYS[1], ARGV[1])
if redis.call('pttl', KEYS[1]) < 0 then redis.call('pexpire', KEYS[1], ARGV[3]) end
return 1`;

/**
 * Who a visitor is, from their address: IPv4 per address; IPv6 per /64 — the smallest network one subscriber
 * is given — while its /48 spreads over at most 64 of them in a window, then per /48. With Redis, the /64s a /48
 * has used are counted there (under `<prefix><name>:`), for every instance at once.
 */
class Networks {
  #windowStart = Date.now();
  /** The /64s seen per /48 in this window. */
  readonly #sites = new Map<string, Set<string>>();

  constructor(
    private readonly maxSites: number,
    private readonly windowMs: number,
    private readonly name: string,
  ) {}

  async of(address: string | undefined, shared?: { link: RedisLink; prefix: string }): Promise<string> {
    if (address === undefined) return 'unknown';
    const ip = parseAddress(address);
    if (ip?.kind() !== 'ipv6') return subscriberOf(address);
    const site = prefixOf(ip as ipaddr.IPv6, 48);
    const network = prefixOf(ip as ipaddr.IPv6, 64);
    if (shared) {
      try {
        const key = `${shared.prefix}${this.name}:${site}`;
        const alone = await shared.link.run((client) => client.eval(COUNTS_ALONE, 1, key, network, NETWORKS_PER_SITE, this.windowMs));
        return alone === 1 ? network : site;
      } catch {
        // Redis is down: counted here.
      }
    }
    if (Date.now() - this.#windowStart >= this.windowMs) {
      this.#sites.clear();
      this.#windowStart = Date.now();
    }
    const seen = this.#sites.get(site);
    if (seen?.has(network)) return network;
    if ((seen?.size ?? 0) >= NETWORKS_PER_SITE || (!seen && this.#sites.size >= this.maxSites)) return site;
    this.#sites.set(site, (seen ?? new Set()).add(network));
    return network;
  }
}

/**
 * The client's address: the peer's, or from `X-Forwarded-For` as far as `trust` allows (as in Express). A peer
 * on a Unix socket is a local proxy, so it counts as loopback; a TCP peer already gone has no address, and no
 * header of its request is believed.
 */
export function clientAddress(req: IncomingMessage, trust: Config['trustProxy']): string | undefined {
  const socket = req.socket as Socket & { server?: Server };
  const peer = socket.remoteAddress ?? (typeof socket.server?.address() === 'string' ? '127.0.0.1' : undefined);
  if (peer === undefined) return undefined;
  return proxyaddr({ headers: req.headers, socket: { remoteAddress: peer } } as IncomingMessage, trust);
}

/** The subscriber behind an address: the IPv4 address, or the IPv6 /64. */
export function subscriberOf(address: string): string {
  const ip = parseAddress(address);
  if (!ip) return `other:${address.slice(0, 64)}`;
  return ip.kind() === 'ipv4' ? ip.toString() : prefixOf(ip as ipaddr.IPv6, 64);
}

const prefixOf = (ip: ipaddr.IPv6, bits: 48 | 64) =>
  `${ip.parts.slice(0, bits / 16).map((part) => part.toString(16)).join(':')}::/${bits}`;

/** An IP address, without the port some proxies append (`1.2.3.4:80`, `[2001:db8::1]:80`, `::ffff:1.2.3.4:80`). */
export function parseAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const bare = /^\[(.+)\](?::\d+)?$/.exec(address)?.[1] ?? address;
  const candidate = [bare, bare.replace(/:\d+$/, '')].find((value) => ipaddr.isValid(value));
  return candidate === undefined ? undefined : ipaddr.process(candidate);
}
