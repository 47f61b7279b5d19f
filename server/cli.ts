#!/usr/bin/env node
// `npx click-to-call-server`: the token service on node:http, configured by environment variables.
import { createServer } from 'node:http';
import { createTokenService, type TokenServiceHandler } from './token-service.js';

const env = process.env;
const number = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : Number(env[name]));

let handler: TokenServiceHandler;
const port = number('PORT') ?? 8787;
const host = env.HOST || '127.0.0.1';
try {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`click-to-call server: PORT "${env.PORT}" is not a port`);
  handler = createTokenService({
    domain: env.CEC_DOMAIN,
    baseUrl: env.CEC_BASE_URL,
    appKey: env.CEC_APP_KEY ?? '',
    appSecret: env.CEC_APP_SECRET ?? '',
    channelId: env.CEC_CHANNEL_ID ?? '',
    allowedOrigins: env.ALLOWED_ORIGINS?.split(',').map((origin) => origin.trim()).filter(Boolean),
    rateLimit: number('RATE_LIMIT'),
  });
} catch (error) {
  console.error((error as Error).message);
  console.error('Set CEC_DOMAIN (or CEC_BASE_URL), CEC_APP_KEY, CEC_APP_SECRET and CEC_CHANNEL_ID.');
  process.exit(1);
}

const server = createServer((req, res) => handler(req, res));
server.listen(port, host, () => {
  const { port: bound } = server.address() as { port: number };
  console.info(`click-to-call server: listening on http://${host}:${bound}/apiaccess/ccmessaging`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.close(() => process.exit(0)));
