import { Redis } from 'ioredis';

/** Each Redis command gets this long; past it, Redis counts as down and the instance goes on alone. */
export const COMMAND_TIMEOUT_MS = 500;
/** The first connection gets this long before the first requests go on without Redis. */
const CONNECT_TIMEOUT_MS = 2_000;
/** Reconnection attempts wait 100 ms, 200, 400… then every 2 s, for as long as Redis is away. */
const RECONNECT_MAX_MS = 2_000;
/**
 * Redis is checked this often with a scripted write, so that one which stops answering with its connection open
 * (frozen), or answers but refuses writes or scripts (a read-only replica after a failover, out of memory, an ACL
 * without scripting), counts as down: the rate limits would otherwise fall back without a word.
 */
const HEARTBEAT_MS = 1_000;
const WRITE_CHECK = "return redis.call('set', KEYS[1], '1', 'PX', ARGV[1])";

/** Redis is unreachable: the caller goes on with its own memory. */
export class RedisUnavailable extends Error {}

export interface RedisLinkEvents {
  /** Redis stopped answering (once per outage): `why` is an error code, never a URL (it may hold a password). */
  down(why: string): void;
  /** Redis answers: at first use, or again after an outage (`recovered`). */
  up(recovered: boolean): void;
}

/**
 * The service's connection to Redis (ioredis), from a `redis://` URL or a client the site already has. It
 * connects at first use, reconnects with a bounded delay for as long as Redis is away, and tells apart "up"
 * and "down" — from the connection's events, failed commands and a scripted write every second — so that each
 * outage is reported once, not per request. While down, callers use their own memory.
 */
export class RedisLink {
  readonly client: Redis;
  #state: 'idle' | 'connecting' | 'up' | 'down' | 'closed' = 'idle';
  #connecting: Promise<void> | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  readonly #owned: boolean;
  readonly #listeners: Record<'ready' | 'error' | 'close', (error?: Error) => void> = {
    ready: () => this.#up(),
    error: (error) => this.#down(reasonOf(error)),
    close: () => this.#down('connection closed'),
  };

  /** `checkKey`: the key the heartbeat writes (under the service's prefix). */
  constructor(
    redis: string | Redis,
    private readonly checkKey: string,
    private readonly events: RedisLinkEvents,
  ) {
    this.#owned = typeof redis === 'string';
    this.client =
      typeof redis === 'string'
        ? new Redis(redis, {
            lazyConnect: true,
            // A command while disconnected fails at once instead of waiting in a queue: the request goes on without Redis.
            enableOfflineQueue: false,
            maxRetriesPerRequest: 0,
            connectTimeout: CONNECT_TIMEOUT_MS,
            commandTimeout: COMMAND_TIMEOUT_MS,
            retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, RECONNECT_MAX_MS),
          })
        : redis;
    for (const [event, listener] of Object.entries(this.#listeners)) this.client.on(event, listener);
  }

  /** Whether Redis may be used now; the first call connects (waiting up to 2 s), later ones answer at once. */
  async usable(): Promise<boolean> {
    if (this.#state === 'idle') {
      this.#state = 'connecting';
      this.#connecting = (this.client.status === 'ready' ? Promise.resolve() : within(this.#firstConnection(), CONNECT_TIMEOUT_MS)).then(
        () => this.#up(),
        (error: Error) => this.#down(reasonOf(error)),
      );
      this.#heartbeat = setInterval(() => void this.answers(true), HEARTBEAT_MS);
      this.#heartbeat.unref();
    }
    if (this.#state === 'connecting') await this.#connecting;
    return this.#state === 'up';
  }

  /** Runs `command` within 500 ms; a failure marks Redis down and throws RedisUnavailable. */
  async run<T>(command: (client: Redis) => Promise<T>): Promise<T> {
    if (!(await this.usable())) throw new RedisUnavailable('Redis is down');
    return this.#timed(command);
  }

  /** Whether Redis takes a scripted write now (`evenIfDown`: also while it counts as down, to notice its return). */
  async answers(evenIfDown = false): Promise<boolean> {
    if (!(await this.usable()) && !(evenIfDown && this.client.status === 'ready')) return false;
    try {
      await this.#timed((client) => client.eval(WRITE_CHECK, 1, this.checkKey, HEARTBEAT_MS * 5));
      this.#up();
      return true;
    } catch {
      return false;
    }
  }

  /** Stops the heartbeat and lets go of the client: closed if the service opened it, left open if the site gave it. */
  async close(): Promise<void> {
    this.#state = 'closed';
    clearInterval(this.#heartbeat);
    for (const [event, listener] of Object.entries(this.#listeners)) this.client.off(event, listener);
    if (this.#owned) this.client.disconnect();
  }

  async #timed<T>(command: (client: Redis) => Promise<T>): Promise<T> {
    try {
      return await within(command(this.client), COMMAND_TIMEOUT_MS);
    } catch (error) {
      this.#down(reasonOf(error as Error));
      throw new RedisUnavailable('Redis did not answer');
    }
  }

  #firstConnection(): Promise<void> {
    // A site's client may be connecting already: then its "ready" is awaited.
    if (this.client.status !== 'wait') return new Promise((resolve) => this.client.once('ready', () => resolve()));
    return this.client.connect();
  }

  #up() {
    if (this.#state !== 'connecting' && this.#state !== 'down') return;
    const recovered = this.#state === 'down';
    this.#state = 'up';
    this.events.up(recovered);
  }

  #down(why: string) {
    if (this.#state !== 'connecting' && this.#state !== 'up') return;
    this.#state = 'down';
    this.events.down(why);
  }
}

/** `promise`, or a rejection after `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no answer in time')), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * Why Redis failed, for the log: the error's code, or its first words ("READONLY You can't write…", "WRONGPASS…"),
 * with anything shaped like URL credentials taken out.
 */
function reasonOf(error: (Error & { code?: string }) | undefined): string {
  const text = error?.code ?? error?.message ?? 'unknown error';
  return text.replace(/\/\/[^\s/@]*@/g, '//').slice(0, 80);
}
