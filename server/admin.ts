import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { writeAnswer } from './http.js';

/** What `GET /healthz` answers: ready when an AccessToken can be had and, if configured, Redis answers. */
export interface Health {
  readonly status: 'ready' | 'unavailable';
  /** `ok`, or why not (as the log says it, without any credential). */
  readonly accessToken: string;
  /** `ok`, `down`, or `off` when no Redis is configured. */
  readonly redis: 'ok' | 'down' | 'off';
}

/**
 * The operators' listener: `GET /healthz` (200 when ready, 503 saying which part is down) and `GET /metrics`
 * (Prometheus text). Meant for a port visitors cannot reach (`ADMIN_PORT`, loopback by default).
 */
export function adminHandler(health: () => Promise<Health>, registry: Registry) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = req.url?.split('?')[0];
    const answer = (status: number, body: string, headers: Record<string, string> = {}) => writeAnswer(req, res, { status, body, headers });
    const failed = () => answer(500, JSON.stringify({ error: 'internal', message: 'internal error' }));
    if (path !== '/healthz' && path !== '/metrics') return answer(404, JSON.stringify({ error: 'not-found', message: 'GET /healthz or /metrics' }));
    if (req.method !== 'GET') return answer(405, JSON.stringify({ error: 'method-not-allowed', message: 'GET only' }), { Allow: 'GET' });
    if (path === '/healthz') {
      health().then((state) => answer(state.status === 'ready' ? 200 : 503, JSON.stringify(state)), failed);
    } else {
      registry.metrics().then((text) => answer(200, text, { 'Content-Type': registry.contentType }), failed);
    }
  };
}
