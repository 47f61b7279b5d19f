// `npm run bench:server`: the token service as it runs in production — the CLI in its own process, logging to
// a pipe — on loopback, against the simulated CEC with a fixed upstream latency. Bounded in time; prints tables.
// 1. requests/s and latency of /token and of a proxied poll (a fresh process);
// 2. 20,000 requests with distinct forged 4 kB visitor tokens: the process's RSS growth (after 1,000 to warm
//    up), and the same poll's throughput afterwards against the fresh process's (goal ≥ 0.9);
// 3. 500 forged requests once the AccessToken is older than 30 s: tokenByAkSk calls they cause (goal ≤ 1).
// 4. one instance without Redis, one with Redis, three with Redis: requests/s and p50/p99 per route, and the
//    latency Redis adds per request (needs redis-server).
// `--quick`: 1 s runs and 2,000 forged tokens.
import autocannon from 'autocannon';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { loadMocks, serveSimulatedUpstream } from '../mocks/serve.js';
import { startRedis } from '../scripts/redis-server.js';

const quick = process.argv.includes('--quick');
const seconds = quick ? 1 : 5;
const FORGED = quick ? 2_000 : 20_000;
const UPSTREAM_MS = 20;
/** A multiple of 3, so that three instances get as many connections each. */
const CONNECTIONS_MANY = 12;
const TOKEN_BY_AK_SK = '/apigovernance/api/oauth/tokenByAkSk';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const mocks = await loadMocks();
const upstream = await serveSimulatedUpstream(mocks, { queueMs: 60_000 }, { delayMs: UPSTREAM_MS });
// Watches without answering: when tokenByAkSk is called, and how often.
let tokenByAkSkCalls = 0;
let lastTokenByAkSkAt = 0;
upstream.misbehave((req) => {
  if (req.url === TOKEN_BY_AK_SK) {
    tokenByAkSkCalls++;
    lastTokenByAkSkAt = Date.now();
  }
  upstream.received.length = 0; // the bench counts on its own; keeping every request would weigh on this process
  return false;
});

/** The CLI in its own process, as in production (logging to a pipe); resolves once it listens. */
async function startService(env = {}) {
  const child = spawn(process.execPath, ['dist/server/cli.js'], {
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      CEC_BASE_URL: upstream.url,
      CEC_APP_KEY: mocks.upstreamCredentials.appKey,
      CEC_APP_SECRET: mocks.upstreamCredentials.appSecret,
      CEC_CHANNEL_ID: 'bench',
      PUBLIC_ORIGIN: 'https://shop.example',
      RATE_LIMIT: '1000000000',
      RATE_LIMIT_POLL: '1000000000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const found = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1];
      if (found) resolve(Number(found));
      if (output.length > 1e5) output = output.slice(-1000); // it logs every request; only the first line matters
    });
    child.on('exit', (code) => reject(new Error(`the service exited with ${code}`)));
  });
  return { child, base: `http://127.0.0.1:${port}/apiaccess/ccmessaging` };
}

const { child: service, base } = await startService();

/** The service process's resident memory, in MB. */
function rssMB() {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${service.pid}/status`, 'utf8'))[1]) / 1024;
  } catch {
    return Number(spawnSync('ps', ['-o', 'rss=', '-p', String(service.pid)], { encoding: 'utf8' }).stdout) / 1024;
  }
}

/** An autocannon run: `seconds` long, or `amount` requests. */
const run = (options) =>
  new Promise((resolve, reject) =>
    autocannon({ connections: 10, ...(options.amount ? {} : { duration: seconds }), ...options }, (error, result) =>
      error ? reject(error) : resolve(result),
    ),
  );
const forgedRun = (amount, prefix) => {
  let serial = 0;
  return run({
    url: `${base}/v1/getClickToCallEvents?channel=WEB`,
    amount,
    requests: [
      {
        setupRequest: (request) => ({ ...request, headers: { ...request.headers, 'ccmessaging-token': `${prefix}-${serial++}-`.padEnd(4096, 'f') } }),
      },
    ],
  });
};

// Warm the AccessToken cache, and get a visitor token for the proxied calls.
const { token } = await (await fetch(`${base}/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).json();
const poll = { url: `${base}/v1/getClickToCallEvents?channel=WEB`, headers: { 'ccmessaging-token': token } };

const tokenRun = await run({ url: `${base}/token`, method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
const freshPoll = await run(poll);

// RSS is measured from a process that has served forged tokens before, so that the heap's first growth is
// not counted as theirs.
await forgedRun(1_000, 'warm-up');
await sleep(1000);
const rssBefore = rssMB();
const callsBefore = tokenByAkSkCalls;
const forgedStarted = Date.now();
const forged = await forgedRun(FORGED, 'forged');
const forgedSeconds = (Date.now() - forgedStarted) / 1000;
await sleep(1000);
const rssAfter = rssMB();
const callsDuringForged = tokenByAkSkCalls - callsBefore;
const laterPoll = await run(poll);

// The worst case for renewal: an AccessToken older than 30 s, so that a refusal could be its fault.
const age = Date.now() - lastTokenByAkSkAt;
if (age < 31_000) await sleep(31_000 - age);
const callsBeforeBurst = tokenByAkSkCalls;
const burst = await forgedRun(500, 'burst');
const callsDuringBurst = tokenByAkSkCalls - callsBeforeBurst;

const row = (title, { requests, latency, errors, non2xx }) =>
  `| ${title} | ${Math.round(requests.average)} | ${latency.p50} | ${latency.p99} | +${latency.p50 - UPSTREAM_MS} ms | ${errors + non2xx} |`;
console.log(`\nToken service (the CLI, its own process) on 127.0.0.1, simulated CEC answering in ${UPSTREAM_MS} ms, 10 connections, ${seconds} s each\n`);
console.log('| request | req/s | p50 ms | p99 ms | over upstream (p50) | errors |');
console.log('|---|---|---|---|---|---|');
console.log(row('POST /token (AccessToken cached; applyToken upstream)', tokenRun));
console.log(row('GET getClickToCallEvents (proxied), fresh process', freshPoll));
console.log(row(`GET getClickToCallEvents, after ${FORGED.toLocaleString('en')} forged tokens`, laterPoll));

const ratio = laterPoll.requests.average / freshPoll.requests.average;
console.log('\n| hostile traffic | measured | goal |\n|---|---|---|');
console.log(`| ${FORGED.toLocaleString('en')} distinct forged 4 kB tokens | ${Math.round(FORGED / forgedSeconds)} req/s, ${forged['4xx']} × 4xx, ${forged.errors} errors | answered |`);
console.log(`| RSS growth over them | ${(rssAfter - rssBefore).toFixed(1)} MB (${rssBefore.toFixed(0)} → ${rssAfter.toFixed(0)} MB) | < 20 MB |`);
console.log(`| poll throughput after them / fresh | ${ratio.toFixed(2)} | ≥ 0.9 |`);
console.log(`| tokenByAkSk calls during them (${forgedSeconds.toFixed(0)} s) | ${callsDuringForged} | ≤ 1 per 30 s |`);
console.log(`| tokenByAkSk calls caused by 500 forged requests, AccessToken older than 30 s | ${callsDuringBurst} | ≤ 1 |`);
console.log(`| ... of which answered 401 | ${burst['4xx']} | 500 |`);

// 4. Many instances: one process without Redis, one with Redis, three with Redis (one run, side by side).
const manyRows = await manyInstances();

service.kill();
await upstream.close();
if (manyRows) {
  console.log(`\nMany instances (the CLI, each its own process) on ${availableParallelism()} cores, Redis on 127.0.0.1, ${CONNECTIONS_MANY} connections spread evenly, ${seconds} s each\n`);
  console.log('| instances | request | req/s | p50 ms | p99 ms | mean ms | errors |');
  console.log('|---|---|---|---|---|---|---|');
  for (const [title, request, result] of manyRows.rows) {
    const { requests, latency, errors, non2xx } = result;
    console.log(`| ${title} | ${request} | ${Math.round(requests.average)} | ${latency.p50} | ${latency.p99} | ${latency.average.toFixed(2)} | ${errors + non2xx} |`);
  }
  const { token, poll, preflight } = manyRows.added;
  console.log(`\nLatency Redis adds per request (mean, 1 instance with Redis − without): ${preflight} ms without CEC (OPTIONS); /token ${token} ms, poll ${poll} ms (within CEC's noise)`);
}

/** The three set-ups measured one after the other in this run; undefined (saying why) without redis-server. */
async function manyInstances() {
  let redis;
  try {
    redis = await startRedis();
  } catch {
    console.log('\n(many instances: skipped, redis-server is not installed)');
    return undefined;
  }
  const rows = [];
  const measure = async (title, env, count) => {
    const instances = await Promise.all(Array.from({ length: count }, () => startService(env)));
    const { token: visitorToken } = await (await fetch(`${instances[0].base}/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).json();
    const urls = (path) => instances.map((instance) => `${instance.base}${path}`);
    const results = {
      token: await run({ url: urls('/token'), method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}', connections: CONNECTIONS_MANY }),
      poll: await run({ url: urls('/v1/getClickToCallEvents?channel=WEB'), headers: { 'ccmessaging-token': visitorToken }, connections: CONNECTIONS_MANY }),
      // Counted by the rate limit, answered without CEC: the service's own cost, Redis included.
      preflight: await run({ url: urls('/token'), method: 'OPTIONS', headers: { Origin: 'https://shop.example' }, connections: CONNECTIONS_MANY }),
    };
    rows.push(
      [title, 'POST /token', results.token],
      [title, 'GET getClickToCallEvents', results.poll],
      [title, 'OPTIONS (no CEC call)', results.preflight],
    );
    for (const instance of instances) instance.child.kill();
    return results;
  };
  const alone = await measure('1, no Redis', {}, 1);
  const withRedis = await measure('1 + Redis', { REDIS_URL: redis.url }, 1);
  await measure('3 + Redis', { REDIS_URL: redis.url }, 3);
  await redis.kill();
  const added = (route) => (withRedis[route].latency.average - alone[route].latency.average).toFixed(2);
  return { rows, added: { token: added('token'), poll: added('poll'), preflight: added('preflight') } };
}
