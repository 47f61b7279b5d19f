#!/usr/bin/env node
// `npx click-to-call-server`: the token service on node:http, configured by environment variables.
import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics } from 'prom-client';
import { defaultLogger } from './log.js';
import { createTokenServer } from './node-server.js';

const env = process.env;

/** Each option's environment variable, so that a start-up message names what to set. */
const variables: Record<string, string> = {
  domain: 'CEC_DOMAIN',
  baseUrl: 'CEC_BASE_URL',
  appKey: 'CEC_APP_KEY',
  appSecret: 'CEC_APP_SECRET',
  channelId: 'CEC_CHANNEL_ID',
  publicOrigin: 'PUBLIC_ORIGIN',
  allowedOrigins: 'ALLOWED_ORIGINS',
  rateLimit: 'RATE_LIMIT',
  rateLimitPoll: 'RATE_LIMIT_POLL',
  rateLimitMessage: 'RATE_LIMIT_MESSAGE',
  trustProxy: 'TRUST_PROXY',
  visitorCookieKey: 'VISITOR_COOKIE_KEY',
  pollTimeout: 'POLL_TIMEOUT',
  upstreamTimeout: 'UPSTREAM_TIMEOUT',
  redis: 'REDIS_URL',
};

/** One line saying what to fix, then exit 1. */
function stop(message: string): never {
  // Option names become variable names, outside the quoted values a message repeats.
  const named = message
    .replace(/^click-to-call server: /, '')
    .split('"')
    .map((part, index) => (index % 2 ? part : part.replace(/\b[a-zA-Z]+\b/g, (word) => variables[word] ?? word)))
    .join('"');
  console.error(`click-to-call server: ${named}`);
  process.exit(1);
}

/** A decimal number, or NaN (refused with the variable's name) for anything else: `0x14`, `1e3`, `2.5`… */
const number = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : /^\d+$/.test(env[name]!) ? Number(env[name]) : NaN);
const list = (name: string) => env[name]?.split(',').map((entry) => entry.trim()).filter(Boolean);

function trustProxy(): false | number | string {
  const value = env.TRUST_PROXY?.trim();
  if (!value || value === 'false') return false;
  // Express's `true` believes whatever a client writes in X-Forwarded-For, which would undo the rate limits.
  if (value === 'true') stop('TRUST_PROXY=true would believe any client; give the hop count (1 behind one proxy) or the proxies\' addresses');
  return /^\d+$/.test(value) ? Number(value) : value;
}

const port = number('PORT') ?? 8787;
const host = env.HOST || '127.0.0.1';
if (!Number.isInteger(port) || port < 0 || port > 65535) stop('PORT must be a port number from 0 to 65535');
const adminPort = number('ADMIN_PORT');
const adminHost = env.ADMIN_HOST || '127.0.0.1';
if (adminPort !== undefined && (!Number.isInteger(adminPort) || adminPort < 0 || adminPort > 65535)) stop('ADMIN_PORT must be a port number from 0 to 65535');
const level = env.LOG_LEVEL || 'info';
if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(level)) stop('LOG_LEVEL must be one of error, warn, info, debug, silent');
const logger = defaultLogger(level);
const cliLog = logger.child({ name: 'click-to-call' });

const trusted = trustProxy();
let server: ReturnType<typeof createTokenServer>;
try {
  server = createTokenServer({
    domain: env.CEC_DOMAIN || undefined,
    baseUrl: env.CEC_BASE_URL || undefined,
    appKey: env.CEC_APP_KEY ?? '',
    appSecret: env.CEC_APP_SECRET ?? '',
    channelId: env.CEC_CHANNEL_ID ?? '',
    publicOrigin: env.PUBLIC_ORIGIN || undefined,
    allowedOrigins: list('ALLOWED_ORIGINS'),
    rateLimit: number('RATE_LIMIT'),
    rateLimitPoll: number('RATE_LIMIT_POLL'),
    rateLimitMessage: number('RATE_LIMIT_MESSAGE'),
    pollTimeout: number('POLL_TIMEOUT'),
    upstreamTimeout: number('UPSTREAM_TIMEOUT'),
    trustProxy: trusted,
    visitorCookieKey: env.VISITOR_COOKIE_KEY || undefined,
    redis: env.REDIS_URL || undefined,
    logger,
  });
} catch (error) {
  stop((error as Error).message);
}

/** Listens on host:port, or stops with a message (starting with `what`) naming the variables to change. */
function listen(listener: Server, what: string, bindHost: string, bindPort: number, names: string, then: (bound: number) => void) {
  listener.on('error', (error: NodeJS.ErrnoException) =>
    stop(
      error.code === 'EADDRINUSE'
        ? `${what}${bindHost}:${bindPort} is already in use (set ${names})`
        : `${what}cannot listen on ${bindHost}:${bindPort} (${error.code ?? error.message})`,
    ),
  );
  listener.listen(bindPort, bindHost, () => then((listener.address() as { port: number }).port));
}

listen(server, '', host, port, 'PORT or HOST', (bound) => {
  cliLog.info(`listening on http://${host}:${bound}/apiaccess/ccmessaging`);
  if (trusted && !['127.0.0.1', 'localhost', '::1'].includes(host)) {
    cliLog.warn(`TRUST_PROXY is set and HOST=${host}: make sure only your proxy can reach this port`);
  }
});
let admin: Server | undefined;
if (adminPort !== undefined) {
  collectDefaultMetrics({ register: server.service.registry });
  admin = createServer({ headersTimeout: 10_000, requestTimeout: 30_000 }, server.service.admin);
  listen(admin, 'admin listener: ', adminHost, adminPort, 'ADMIN_PORT or ADMIN_HOST', (bound) => {
    cliLog.info(`admin listener on http://${adminHost}:${bound} (GET /healthz, GET /metrics)`);
    if (!['127.0.0.1', 'localhost', '::1'].includes(adminHost)) {
      cliLog.warn(`ADMIN_HOST=${adminHost}: make sure visitors cannot reach the admin listener`);
    }
  });
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    admin?.close();
    server.close(() => process.exit(0));
  });
}
