import { Redis } from 'ioredis';

/** Each Redis command gets this long; past it, Redis counts as down and the instance goes on alone. */
export const COMMAND_TIMEOUT_MS = 500;
/** The first connection gets this long before the first requests go on without Redis. */
const CONNECT_TIMEOUT_MS = 2_000;
/** Reconnection attempts wait 100 ms, 200, 400… then every 2 s, for as long as Redis is away. */
const RECONNECT_MAX_MS = 2_000;
/** Redis is asked PING this often, so that one which stops answering with its connection open (frozen) is noticed. */
const HEARTBEAT_MS = 1_000;

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
 * and "down" — from the connection's events, failed commands and a PING every second — so that each outage
 * is reported once, not per request. While down, callers use their own memory.
 */
export class RedisLink {
  readonly client: Redis;
  #state: 'idle' | 'connecting' | 'up' | 'down' = 'idle';
  #connecting: Promise<void> | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
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

  /** Whether Redis may be used now; the first call connects (waiting up to 2 s), later ones answer at once. */
  async usable(): Promise<boolean> {
    if (this.#state === 'idle') {
      this.#state = 'connecting';
      this.#connecting = (this.client.status === 'ready' ? Promise.resolve() : this.#firstConnection()).then(
        () => this.#up(),
        (error: NodeJS.ErrnoException) => this.#down(error.code ?? error.message),
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

  /** Whether Redis answers PING now (`evenIfDown`: also while it counts as down, to notice its return). */
  async answers(evenIfDown = false): Promise<boolean> {
    if (!(await this.usable()) && !(evenIfDown && this.client.status === 'ready')) return false;
    try {
      await this.#timed((client) => client.ping());
      this.#up();
      return true;
    } catch {
      return false;
    }
  }

  /** Stops the heartbeat and closes the connection, unless the site gave its own client. */
  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    if (this.#owned) this.client.disconnect();
  }

  async #timed<T>(command: (client: Redis) => Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      return await Promise.race([
        command(this.client),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no answer in time')), COMMAND_TIMEOUT_MS))),
      ]);
    } catch (error) {
      this.#down((error as NodeJS.ErrnoException).code ?? (error as Error).message.slice(0, 60));
      throw new RedisUnavailable('Redis did not answer');
    } finally {
      clearTimeout(timer);
    }
  }

  #firstConnection(): Promise<void> {
    if (this.client.status !== 'wait') {
      // A site's client, already connecting: wait for it, within the same bound.
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no connection in time')), CONNECT_TIMEOUT_MS);
        this.client.once('ready', () => (clearTimeout(timer), resolve()));
      });
    }
    return this.client.connect();
  }

  #up() {
    if (this.#state === 'up' || this.#state === 'idle') return;
    const recovered = this.#state === 'down';
    this.#state = 'up';
    this.events.up(recovered);
  }

  #down(why: string) {
    if (this.#state === 'down' || this.#state === 'idle') return;
    this.#state = 'down';
    this.events.down(why);
  }
}
