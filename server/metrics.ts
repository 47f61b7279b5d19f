import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Why a request was refused before reaching CEC, as `/metrics` labels it. */
export type RefusalReason = 'rate-limit' | 'origin' | 'validation';

/**
 * What `/metrics` shows, in a registry of the service's own (a site's default registry is left alone). Labels
 * are operation names, statuses and reasons only: never a token, a visitor or an address.
 */
export function serviceMetrics() {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    tokensIssued: new Counter({
      name: 'click_to_call_tokens_issued_total',
      help: 'Visitor tokens handed out by POST /token.',
      registers,
    }),
    upstreamRequests: new Counter({
      name: 'click_to_call_upstream_requests_total',
      help: 'Requests to CEC by operation and outcome: the HTTP status, "timeout" or "error".',
      labelNames: ['operation', 'status'] as const,
      registers,
    }),
    upstreamSeconds: new Histogram({
      name: 'click_to_call_upstream_duration_seconds',
      help: 'Time CEC took to answer, by operation (getClickToCallEvents may be held as a long poll).',
      labelNames: ['operation'] as const,
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 35],
      registers,
    }),
    refused: new Counter({
      name: 'click_to_call_refused_requests_total',
      help: 'Requests refused by the service itself: by a rate limit, for their origin, or as malformed (validation).',
      labelNames: ['reason'] as const,
      registers,
    }),
    redisFallbacks: new Counter({
      name: 'click_to_call_redis_fallbacks_total',
      help: 'Times Redis became unreachable and this instance went on with its own memory.',
      registers,
    }),
    redisUp: new Gauge({
      name: 'click_to_call_redis_up',
      help: '1 while rate limits and the AccessToken are shared through Redis, 0 while this instance uses its own memory.',
      registers,
    }),
  };
}

export type ServiceMetrics = ReturnType<typeof serviceMetrics>;

/** Records one upstream request: `outcome` is the HTTP status, or "timeout" / "error" when none came. */
export type UpstreamObserver = (operation: string, outcome: number | 'timeout' | 'error', seconds: number) => void;
