import { createHmac, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Visitor } from './options.js';

/** `__Host-`: only this origin over https may set it (no sibling subdomain can plant one), for every path. */
const COOKIE = '__Host-ctc_visitor';
/**
 * `<24 hex id>.<base64url HMAC-SHA256 of the id>`. Ids had 32 hex characters before CEC's 24-character
 * callId/userId (doLeaveMessage, saveSatisfaction) called for shorter ones: a signed cookie of then still counts.
 */
const SIGNED_ID = new RegExp(`(?:^|;\\s*)${COOKIE}=([a-f0-9]{24}|[a-f0-9]{32})\\.([\\w-]{43})(?:;|$)`);
/** 96 random bits. */
const ID_BYTES = 12;
const ONE_YEAR_S = 31_536_000;

/**
 * The cookie key when none is configured, derived from the app secret. Every cookie is a check value for that
 * key, so it comes from scrypt: a guess at the secret costs an attacker ~50 ms and 16 MB, not a microsecond.
 */
export function cookieKeyFrom(appSecret: string): Buffer {
  let key = derivedKeys.get(appSecret);
  if (!key) derivedKeys.set(appSecret, (key = scryptSync(appSecret, 'click-to-call visitor cookie', 32, { N: 2 ** 14, r: 8, p: 1 })));
  return key;
}
/** Derived once per secret and process (~90 ms), however many services share the secret. */
const derivedKeys = new Map<string, Buffer>();

/**
 * The default `identify`: a random anonymous id per browser, in an HttpOnly, Secure, SameSite cookie signed
 * with HMAC-SHA256, so a client cannot pick its userId; a missing, unsigned or forged cookie gets a fresh id.
 * Its `known(req)` is the visitor of a valid cookie, or `undefined`: it never issues one.
 */
export function anonymousVisitors(key: string | Buffer) {
  const sign = (id: string) => createHmac('sha256', key).update(id).digest('base64url');
  const known = (req: IncomingMessage): Visitor | undefined => {
    const cookie = SIGNED_ID.exec(req.headers.cookie ?? '');
    return cookie && timingSafeEqual(Buffer.from(sign(cookie[1])), Buffer.from(cookie[2])) ? { userId: cookie[1] } : undefined;
  };
  const identify = (req: IncomingMessage, res: ServerResponse): Visitor => {
    const visitor = known(req);
    if (visitor) return visitor;
    const userId = randomBytes(ID_BYTES).toString('hex');
    res.setHeader('Set-Cookie', `${COOKIE}=${userId}.${sign(userId)}; Path=/; Max-Age=${ONE_YEAR_S}; HttpOnly; Secure; SameSite=Lax`);
    return { userId };
  };
  return Object.assign(identify, { known });
}

/**
 * An anonymous visitor's id where CEC takes at most 24 characters (doLeaveMessage's callId, saveSatisfaction's
 * userId): the id itself, or for a 32-character id from an older cookie its first 24 — the same on every request
 * of that visitor, and 96 random bits, as unique as a new id. (`/token` keeps giving applyToken the whole id.)
 */
export const shortAnonymousId = (userId: string): string => userId.slice(0, ID_BYTES * 2);
