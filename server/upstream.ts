import { Refusal } from './http.js';
import type { UpstreamObserver } from './metrics.js';
import type { Config } from './options.js';

/** The largest CEC answer read; CEC's click-to-dial answers are a few hundred bytes. */
export const MAX_UPSTREAM_BYTES = 64 * 1024;

/** A CEC failure: the visitor reads "CEC is unavailable" (502) or "did not answer in time" (504), the log why. */
export class UpstreamFailure extends Refusal {
  constructor(status: 502 | 504, operation: string, why: string) {
    super(
      status,
      status === 504 ? 'upstream-timeout' : 'upstream',
      status === 504 ? 'CEC did not answer in time' : 'CEC is unavailable',
      {},
      `${operation}: CEC ${why}`,
    );
  }
}

export interface UpstreamAnswer {
  readonly status: number;
  readonly json: Record<string, unknown>;
  /** The body as CEC sent it (a JSON object). */
  readonly text: string;
  readonly headers: Headers;
}

/**
 * One request to CEC, its whole answer within `config.upstreamTimeout`: redirects are never followed (the
 * secret would go along), and the answer must be a JSON object of at most 64 kB. `observe` learns how it went.
 */
export async function requestCec(config: Config, path: string, init: RequestInit, observe: UpstreamObserver): Promise<UpstreamAnswer> {
  const operation = path.replace(/\?.*$/, '').split('/').pop()!;
  // CEC may hold a poll until something happens: it has a longer bound of its own.
  const signal = AbortSignal.timeout(operation === 'getClickToCallEvents' ? config.pollTimeout : config.upstreamTimeout);
  const started = performance.now();
  const seen = (outcome: number | 'timeout' | 'error') => observe(operation, outcome, (performance.now() - started) / 1000);
  const failed = (what: string) => {
    seen(signal.aborted ? 'timeout' : 'error');
    return new UpstreamFailure(signal.aborted ? 504 : 502, operation, signal.aborted ? 'did not answer in time' : what);
  };
  let response: Response;
  try {
    response = await fetch(`${config.baseUrl}${path}`, { ...init, redirect: 'manual', signal });
  } catch {
    throw failed('could not be reached');
  }
  const { status, headers } = response;
  const refuse = async (reason: string) => {
    seen(status);
    await response.body?.cancel().catch(() => undefined);
    return new UpstreamFailure(502, operation, reason);
  };
  if (status >= 300 && status < 400) throw await refuse(`answered a redirect (HTTP ${status}), which is never followed`);
  if (Number(headers.get('content-length')) > MAX_UPSTREAM_BYTES) throw await refuse(`answered more than ${MAX_UPSTREAM_BYTES} bytes`);
  let text: string | undefined;
  try {
    text = await readCapped(response, MAX_UPSTREAM_BYTES);
  } catch {
    throw failed('broke off its answer');
  }
  if (text === undefined) throw await refuse(`answered more than ${MAX_UPSTREAM_BYTES} bytes`);
  seen(status);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // reported below
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    const type = (headers.get('content-type') ?? 'no type').slice(0, 64);
    throw new UpstreamFailure(502, operation, `answered HTTP ${status} with a body that is not a JSON object (${type})`);
  }
  return { status, json: json as Record<string, unknown>, text, headers };
}

/** The body as text, or `undefined` (and the rest cancelled) past `max` bytes. */
async function readCapped(response: Response, max: number): Promise<string | undefined> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** What may travel in an HTTP header: a token CEC or a client hands over is refused otherwise. */
export const headerSafe = (value: unknown): value is string => typeof value === 'string' && /^[\x21-\x7e]{1,4096}$/.test(value);

/** tokenByAkSk: a fresh AccessToken and its lifetime in seconds, or an UpstreamFailure saying why not. */
export async function tokenByAkSk(config: Config, observe: UpstreamObserver): Promise<{ token: string; lifetime: number }> {
  const answer = await requestCec(
    config,
    '/apigovernance/api/oauth/tokenByAkSk',
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Token-Expire': String(config.accessTokenLifetime) },
      body: JSON.stringify({ app_key: config.appKey, app_secret: config.appSecret }),
    },
    observe,
  );
  const { AccessToken: token, Expires: expires } = answer.json;
  if (answer.status !== 200) {
    const hint = answer.status === 401 || answer.status === 403 ? ': check the app key and secret' : '';
    throw new UpstreamFailure(502, 'tokenByAkSk', `refused it (HTTP ${answer.status})${hint}`);
  }
  if (!headerSafe(token)) throw new UpstreamFailure(502, 'tokenByAkSk', 'answered without a usable AccessToken');
  // Huawei sends Expires as a string of seconds; without it, the lifetime asked for.
  const lifetime = expires === undefined ? config.accessTokenLifetime : Number(expires);
  if (!(lifetime > 0)) throw new UpstreamFailure(502, 'tokenByAkSk', `answered Expires "${String(expires).slice(0, 20)}"`);
  return { token, lifetime: Math.min(lifetime, config.accessTokenLifetime) };
}
