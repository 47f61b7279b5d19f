import { pino, type Logger } from 'pino';

/** Per this period, at most this many refusals are logged one by one. */
const QUIET_PERIOD_MS = 10_000;
const LOGGED_REFUSALS = 20;

/**
 * Fields that may hold a credential if a caller (or an error object) ever puts one in a log line: pino blanks
 * them. The service's own lines carry none: they name the request by id, method, path and status.
 */
const REDACTED = [
  'token',
  'accessToken',
  'appSecret',
  'password',
  '*.token',
  '*.accessToken',
  '*.appSecret',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  'headers["ccmessaging-token"]',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
  '*.headers["ccmessaging-token"]',
];

/** JSON lines on standard output, as the CLI writes them. */
export const defaultLogger = (level = 'info'): Logger => pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime });

/**
 * The service's log: JSON lines (pino) under `name: "click-to-call"`, with the fields above redacted.
 * Refusals (4xx) are logged one by one up to 20 per 10 s, rate-limited requests never; the rest are counted
 * into one line, so that a flood does not become a flood of log lines.
 */
export function serviceLog(logger: Logger) {
  const log = logger.child({ name: 'click-to-call' }, { redact: { paths: REDACTED, censor: '[redacted]' } });
  let quiet: { logged: number; limited: number; other: number } | undefined;
  return {
    info: (message: string, fields: object = {}) => log.info(fields, message),
    warn: (message: string, fields: object = {}) => log.warn(fields, message),
    error: (message: string, fields: object = {}) => log.error(fields, message),
    /** A refused request's line (a 4xx). */
    refusal(status: number, message: string, fields: object) {
      if (!quiet) {
        const period = (quiet = { logged: 0, limited: 0, other: 0 });
        setTimeout(() => {
          quiet = undefined;
          if (period.limited || period.other) {
            log.warn(
              { rateLimited: period.limited, otherRefusals: period.other },
              `in the last ${QUIET_PERIOD_MS / 1000} s: ${period.limited} requests refused by the rate limits, ${period.other} other refusals not logged`,
            );
          }
        }, QUIET_PERIOD_MS).unref();
      }
      if (status === 429) quiet.limited++;
      else if (quiet.logged < LOGGED_REFUSALS) {
        quiet.logged++;
        log.info(fields, message);
      } else quiet.other++;
    },
  };
}

export type ServiceLog = ReturnType<typeof serviceLog>;
