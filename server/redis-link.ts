import { Redis } from 'ioredis';

/** Each Redis command gets this long; past it, Redis counts as down and the instance goes on alone. */
export const COMMAND_TIMEOUT_MS = 500;
/** The first connection gets this long before the first requests go on without Redis. */
const CONNECT_TIMEOUT_MS = 2_000;
/** Reconnection attempts wait 50 ms, 100, 200… then every 2 s, for as long as Redis is away. */
const RECONNECT_MAX_MS = 2_000;
/** While Redis is down with its connection still open (a frozen server), it is asked PING this often. */
const PROBE_MS = 1_000;

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
 * and "down" so that each outage is reported once, not per request. While down, callers use their own memory.
 */
export class RedisLink {
  readonly client: Redis;
  #state: 'idle' | 'connecting' | 'up' | 'down' = 'idle';
  #connecting: Promise<void> | undefined;
  #probe: ReturnType<typeof setInterval> | undefined;
  readonly #owned: boolean;

  constructor(
    redis: string | Redis,
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
    this.client.on('ready', () => this.#up());
    this.client.on('error', (error: NodeJS.ErrnoException) => this.#down(error.code ?? error.name));
    this.client.on('close', () => this.#down('connection closed'));
  }

  /** Whether Redis answered last (before the first use: false). */
  get up(): boolean {
    return this.#state === 'up';
  }

  /** Whether Redis may be used now; the first call connects (waiting up to 2 s), later ones answer at once. */
  async usable(): Promise<boolean> {
    if (this.#state === 'idle') {
      this.#state = 'connecting';
      this.#connecting = (this.client.status === 'ready' ? Promise.resolve() : this.#firstConnection()).then(
        () => this.#up(),
        (error: NodeJS.ErrnoException) => this.#down(error.code ?? error.message),
      );
    }
    if (this.#state === 'connecting') await this.#connecting;
    return this.#state === 'up';
  }

  /** Runs `command` within 500 ms; a failure marks Redis down and throws RedisUnavailable. */
  async run<T>(command: (client: Redis) => Promise<T>): Promise<T> {
    if (!(await this.usable())) throw new RedisUnavailable('Redis is down');
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      return await Promise.race([
        command(this.client),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), COMMAND_TIMEOUT_MS))),
      ]);
    } catch (error) {
      this.#down((error as NodeJS.ErrnoException).code ?? (error as Error).message.slice(0, 60));
      throw new RedisUnavailable('Redis did not answer');
    } finally {
      clearTimeout(timer);
    }
  }

  /** Whether Redis answers PING now (for /healthz). */
  async answers(): Promise<boolean> {
    try {
      return (await this.run((client) => client.ping())) === 'PONG';
    } catch {
      return false;
    }
  }

  /** Stops probing and closes the connection, unless the site gave its own client. */
  async close(): Promise<void> {
    clearInterval(this.#probe);
    if (this.#owned) this.client.disconnect();
  }

  #firstConnection(): Promise<void> {
    if (this.client.status !== 'wait') {
      // A site's client, already connecting: wait for it, within the same bound.
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timeout')), CONNECT_TIMEOUT_MS);
        this.client.once('ready', () => (clearTimeout(timer), resolve()));
      });
    }
    return this.client.connect();
  }

  #up() {
    if (this.#state === 'up' || this.#state === 'idle') return;
    const wasDown = this.#state === 'down';
    this.#state = 'up';
    clearInterval(this.#probe);
    this.#probe = undefined;
    this.events.up(wasDown);
  }

  #down(why: string) {
    if (this.#state === 'down' || this.#state === 'idle') return;
    this.#state = 'down';
    this.events.down(why);
    // ioredis reconnects a closed connection by itself and says "ready"; a frozen one stays open and needs asking.
    let asking = false;
    this.#probe ??= setInterval(() => {
      if (asking || this.client.status !== 'ready') return;
      asking = true;
      this.client.ping().then(
        () => this.#up(),
        () => undefined,
      ).finally(() => (asking = false));
    }, PROBE_MS);
    this.#probe.unref();
  }
}
