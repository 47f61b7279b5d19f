import type { Config } from './options.js';

/** Per this period, at most this many refusals are logged one by one. */
const QUIET_PERIOD_MS = 10_000;
const LOGGED_REFUSALS = 20;

/**
 * The service's log. Only what the service itself holds (`secrets()`: the app secret, the AccessTokens) is
 * redacted: nothing a client sends is logged, nor remembered. Refusals (4xx) are logged one by one up to 20
 * per 10 s, rate-limited requests never; the rest are counted into one line, so that a flood does not become a
 * flood of log lines.
 */
export function serviceLog(logger: Config['logger'], secrets: () => string[]) {
  const redact = (text: string) => secrets().reduce((out, secret) => out.replaceAll(secret, '[redacted]'), text);
  const log = (level: 'info' | 'warn' | 'error', message: string) => logger[level](redact(`click-to-call server: ${message}`));
  let quiet: { logged: number; limited: number; other: number } | undefined;
  return {
    info: (message: string) => log('info', message),
    warn: (message: string) => log('warn', message),
    error: (message: string) => log('error', message),
    /** A refused request's line (a 4xx). */
    refusal(status: number, line: string) {
      if (!quiet) {
        const period = (quiet = { logged: 0, limited: 0, other: 0 });
        setTimeout(() => {
          quiet = undefined;
          if (period.limited || period.other) {
            log('warn', `in the last ${QUIET_PERIOD_MS / 1000} s: ${period.limited} requests refused by the rate limits, ${period.other} other refusals not logged`);
          }
        }, QUIET_PERIOD_MS).unref();
      }
      if (status === 429) quiet.limited++;
      else if (quiet.logged < LOGGED_REFUSALS) {
        quiet.logged++;
        log('info', line);
      } else quiet.other++;
    },
  };
}
