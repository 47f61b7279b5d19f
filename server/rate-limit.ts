import type { IncomingMessage } from 'node:http';
import ipaddr from 'ipaddr.js';
import proxyaddr from 'proxy-addr';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { Refusal } from './http.js';
import type { Config } from './options.js';

/** `call`: `/token` and createClickToCall, at `rateLimit`; `poll`: everything else, at `rateLimitPoll`. */
export type Bucket = 'call' | 'poll';

/**
 * Per-visitor limits over one-minute windows. Each visitor's count lives for its window and is then dropped:
 * nothing is evicted early, so no flood of other clients ever frees a limited one, and memory follows the
 * number of client networks seen in the last minute.
 */
export function visitorLimits(config: Config) {
  const limiters: Record<Bucket, RateLimiterMemory> = {
    call: new RateLimiterMemory({ keyPrefix: 'call', points: config.rateLimit, duration: 60 }),
    poll: new RateLimiterMemory({ keyPrefix: 'poll', points: config.rateLimitPoll, duration: 60 }),
  };
  /** Counts the request against `bucket`; past the limit, a 429 with Retry-After. */
  return async (bucket: Bucket, req: IncomingMessage): Promise<void> => {
    try {
      await limiters[bucket].consume(visitorKey(req, config.trustProxy));
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw new Refusal(429, 'rate-limited', 'too many requests', { 'Retry-After': String(seconds) });
    }
  };
}

/**
 * Who is asking: the client address (from `X-Forwarded-For` only as far as `trust` allows, as in Express),
 * IPv4 per address, IPv6 per /64 — the smallest network one subscriber is given.
 */
export function visitorKey(req: IncomingMessage, trust: Config['trustProxy']): string {
  if (!req.socket.remoteAddress) return 'unknown';
  const address = proxyaddr(req, trust);
  if (!ipaddr.isValid(address)) return `other:${address.slice(0, 64)}`;
  const ip = ipaddr.process(address);
  if (ip.kind() === 'ipv4') return ip.toString();
  return `${(ip as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16)).join(':')}::/64`;
}
