// `npm run bench:server`: requests/s and latency of the token service on loopback, against the simulated CEC
// with a fixed upstream latency. Bounded in time (2 × 5 s; `--quick`: 2 × 1 s); prints a table.
import autocannon from 'autocannon';
import { createServer } from 'node:http';
import { createTokenService } from '../dist/server/token-service.js';
import { loadMocks, startUpstream } from '../test/server/upstream.js';

const seconds = process.argv.includes('--quick') ? 1 : 5;
const UPSTREAM_MS = 20;

const mocks = await loadMocks();
const upstream = await startUpstream(mocks, { queueMs: 60_000 }, { delayMs: UPSTREAM_MS });
const silent = { info() {}, warn() {}, error: console.error };
const handler = createTokenService({
  baseUrl: upstream.url,
  ...mocks.upstreamCredentials,
  channelId: 'bench',
  rateLimit: 1e9,
  logger: silent,
});
const server = createServer((req, res) => handler(req, res));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}/apiaccess/ccmessaging`;

// Warm the AccessToken cache, and get a visitor token for the proxied calls.
const { token } = await (await fetch(`${base}/token`, { method: 'POST', body: '{}' })).json();

const run = (title, options) =>
  new Promise((resolve, reject) =>
    autocannon({ connections: 10, duration: seconds, ...options }, (error, result) =>
      error ? reject(error) : resolve({ title, result }),
    ),
  );

const results = [
  await run('POST /token (AccessToken cached; applyToken upstream)', { url: `${base}/token`, method: 'POST', body: '{}' }),
  await run('GET getClickToCallEvents (proxied)', {
    url: `${base}/v1/getClickToCallEvents?channel=WEB`,
    headers: { 'ccmessaging-token': token },
  }),
];

console.log(`\nToken service on 127.0.0.1, simulated CEC answering in ${UPSTREAM_MS} ms, 10 connections, ${seconds} s each\n`);
console.log('| request | req/s | p50 ms | p99 ms | over upstream (p50) | errors |');
console.log('|---|---|---|---|---|---|');
for (const { title, result } of results) {
  const { requests, latency, errors, non2xx } = result;
  console.log(
    `| ${title} | ${Math.round(requests.average)} | ${latency.p50} | ${latency.p99} | +${latency.p50 - UPSTREAM_MS} ms | ${errors + non2xx} |`,
  );
}
server.close();
await upstream.close();
