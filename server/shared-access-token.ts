import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { BACKOFF_MAX_MS, backoffAfter, RENEWAL_INTERVAL_MS, WaitingAfterFailure, type Held, type SharedTokens } from './access-token.js';
import { RedisUnavailable, type RedisLink } from './redis-link.js';

/** A waiting instance looks for the new token this often. */
const WAIT_STEP_MS = 100;

const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/**
 * One AccessToken for every instance, through Redis: the token (encrypted with a key derived from the app
 * secret, so Redis never holds it readable), a lock with an expiry taken by the one instance calling
 * tokenByAkSk, the 30 s renewal gate and the failure back-off. A lock holder that dies frees the lock when it
 * expires: `upstreamTimeout` + 2 s, longer than its tokenByAkSk may take. Keys live under `prefix`.
 */
export function sharedAccessTokens(link: RedisLink, prefix: string, appSecret: string, upstreamTimeout: number): SharedTokens {
  const keys = {
    token: `${prefix}access-token`,
    lock: `${prefix}access-token:lock`,
    gate: `${prefix}access-token:renewal-gate`,
    failures: `${prefix}access-token:failures`,
    retry: `${prefix}access-token:retry`,
  };
  const lockMs = upstreamTimeout + 2_000;
  const sealed = seal(appSecret);

  async function current(): Promise<Held | undefined> {
    const stored = await link.run((client) => client.get(keys.token));
    return stored ? sealed.open(stored) : undefined;
  }

  /** Throws WaitingAfterFailure while the back-off after a failure runs (one longer than any back-off is not ours). */
  async function backOff(): Promise<void> {
    const left = await link.run((client) => client.pttl(keys.retry));
    if (left > 0 && left <= BACKOFF_MAX_MS) throw new WaitingAfterFailure(left);
  }

  async function fetchAsHolder(fetch: () => Promise<Held>): Promise<Held> {
    await link.run((client) => client.set(keys.gate, '1', 'PX', RENEWAL_INTERVAL_MS));
    let held: Held;
    try {
      held = await fetch();
    } catch (error) {
      await link
        .run(async (client) => {
          const failures = await client.incr(keys.failures);
          await client.pexpire(keys.failures, 10 * 60_000);
          // Failures in a row are counted across instances: every instance waits the same back-off.
          await client.set(keys.retry, '1', 'PX', backoffAfter(failures));
        })
        .catch(() => undefined); // the failure is what the caller must hear of
      throw error;
    }
    // Shared for as long as it lives; if Redis fails now, this instance keeps the token all the same.
    await link
      .run((client) => client.multi().set(keys.token, sealed.close(held), 'PX', Math.max(1, held.expiresAt - Date.now())).del(keys.failures, keys.retry).exec())
      .catch(() => undefined);
    return held;
  }

  return {
    current,

    async renew(stale, fetch) {
      const owner = randomBytes(16).toString('hex');
      const usable = (held: Held | undefined): held is Held => held !== undefined && held.token !== stale && Date.now() < held.renewAt;
      // Longer than any holder may take: a lock still there is not a holder's (planted, or without expiry).
      const deadline = Date.now() + lockMs + upstreamTimeout + 1_000;
      for (;;) {
        const shared = await current();
        if (usable(shared)) return shared;
        await backOff();
        if ((await link.run((client) => client.set(keys.lock, owner, 'PX', lockMs, 'NX'))) === 'OK') {
          try {
            // The holder before may have stored a token between the read above and this lock.
            const stored = await current();
            return usable(stored) ? stored : await fetchAsHolder(fetch);
          } finally {
            await link.run((client) => client.eval(RELEASE, 1, keys.lock, owner)).catch(() => undefined);
          }
        }
        // A lock without expiry was never a holder's.
        if (Date.now() > deadline || (await link.run((client) => client.pttl(keys.lock))) === -1) {
          throw new RedisUnavailable('the AccessToken lock is not a holder\'s');
        }
        await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
      }
    },

    async claimRenewal() {
      return (await link.run((client) => client.set(keys.gate, '1', 'PX', RENEWAL_INTERVAL_MS, 'NX'))) === 'OK';
    },
  };
}

/** AES-256-GCM with a key derived from the app secret: what Redis stores is useless without the secret. */
function seal(appSecret: string) {
  const key = Buffer.from(hkdfSync('sha256', appSecret, 'click-to-call', 'access-token in redis', 32));
  return {
    close(held: Held): string {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const sealed = Buffer.concat([cipher.update(JSON.stringify(held), 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
    },
    /** The token, or `undefined` for anything this secret did not seal (another secret, a damaged value). */
    open(stored: string): Held | undefined {
      try {
        const raw = Buffer.from(stored, 'base64');
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(12, 28));
        const held = JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')) as Held;
        return typeof held.token === 'string' && held.expiresAt > Date.now() ? held : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
