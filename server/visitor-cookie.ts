import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Visitor } from './options.js';

const COOKIE = 'ctc_visitor';
/** `<32 hex id>.<base64url HMAC-SHA256 of the id>` */
const SIGNED_ID = new RegExp(`(?:^|;\\s*)${COOKIE}=([a-f0-9]{32})\\.([\\w-]{43})(?:;|$)`);
const ONE_YEAR_S = 31_536_000;

/** The cookie key when none is configured: derived from the app secret, so it is as private as the secret. */
export const cookieKeyFrom = (appSecret: string): string =>
  createHmac('sha256', appSecret).update('click-to-call visitor cookie').digest('base64url');

/**
 * The default `identify`: a random anonymous id per browser, in an HttpOnly, Secure, SameSite cookie signed
 * with HMAC-SHA256, so a client cannot pick its userId; a missing, unsigned or forged cookie gets a fresh id.
 */
export function anonymousVisitors(key: string) {
  const sign = (id: string) => createHmac('sha256', key).update(id).digest('base64url');
  return (req: IncomingMessage, res: ServerResponse): Visitor => {
    const cookie = SIGNED_ID.exec(req.headers.cookie ?? '');
    if (cookie && timingSafeEqual(Buffer.from(sign(cookie[1])), Buffer.from(cookie[2]))) return { userId: cookie[1] };
    const userId = randomBytes(16).toString('hex');
    res.setHeader('Set-Cookie', `${COOKIE}=${userId}.${sign(userId)}; Path=/; Max-Age=${ONE_YEAR_S}; HttpOnly; Secure; SameSite=Lax`);
    return { userId };
  };
}
