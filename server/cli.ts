#!/usr/bin/env node
// `npx click-to-call-server`: the token service on node:http, configured by environment variables.
import type { Server } from 'node:http';
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
  trustProxy: 'TRUST_PROXY',
  visitorCookieKey: 'VISITOR_COOKIE_KEY',
  pollTimeout: 'POLL_TIMEOUT',
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

const trusted = trustProxy();
let server: Server;
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
    pollTimeout: number('POLL_TIMEOUT'),
    trustProxy: trusted,
    visitorCookieKey: env.VISITOR_COOKIE_KEY || undefined,
  });
} catch (error) {
  stop((error as Error).message);
}

server.on('error', (error: NodeJS.ErrnoException) =>
  stop(
    error.code === 'EADDRINUSE'
      ? `${host}:${port} is already in use (set PORT or HOST)`
      : `cannot listen on ${host}:${port} (${error.code ?? error.message})`,
  ),
);
server.listen(port, host, () => {
  const { port: bound } = server.address() as { port: number };
  console.info(`click-to-call server: listening on http://${host}:${bound}/apiaccess/ccmessaging`);
  if (trusted && !['127.0.0.1', 'localhost', '::1'].includes(host)) {
    console.warn(`click-to-call server: TRUST_PROXY is set and HOST=${host}: make sure only your proxy can reach this port`);
  }
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.close(() => process.exit(0)));
