// The token service on many instances sharing one real Redis (redis-server on a free loopback port): shared rate
// limits, one AccessToken, a lock whose holder may die, Redis going away and coming back, and the admin listener.
// Instances are the CLI in child processes, as operators run them, except where the test must move the clock.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { createTokenServer } from '../../dist/server/index.js';
import { advanceClock, closeAll, collectingLogger, MOUNT, post, PUBLIC_ORIGIN, sleep, startCli, track } from './harness.js';
import { freePort, startRedis } from '../../scripts/redis-server.js';
import { loadMocks, serveSimulatedUpstream } from '../../mocks/serve.js';

const mocks = await loadMocks();
const credentials = mocks.upstreamCredentials;
const TOKEN_BY_AK_SK = '/apigovernance/api/oauth/tokenByAkSk';
const startUpstream = async (...args) => track(await serveSimulatedUpstream(mocks, ...args));
after(closeAll);

/** `count` CLI instances in front of `upstream`, sharing `redis`; visitors are told apart by X-Forwarded-For. */
async function startInstances(count, upstream, redis, env = {}) {
  const instances = await Promise.all(
    Array.from({ length: count }, () =>
      startCli({
        CEC_BASE_URL: upstream.url,
        CEC_APP_KEY: credentials.appKey,
        CEC_APP_SECRET: credentials.appSecret,
        CEC_CHANNEL_ID: 'web-1',
        PUBLIC_ORIGIN,
        REDIS_URL: redis.url,
        TRUST_PROXY: 'loopback',
        ...env,
      }),
    ),
  );
  for (const instance of instances) assert.ok(instance.base, `an instance did not start: ${instance.stderr}`);
  return instances;
}

const visitor = (address) => ({ 'X-Forwarded-For': address });
const tokenRequest = (instance, address) => instance.call(`${MOUNT}/token`, post({}, visitor(address)));
/** The instance's JSON log lines saying `text`. */
const linesSaying = (instance, text) => instance.output().split('\n').filter((line) => line.includes(text));
/** The base URL of the instance's admin listener, once it listens. */
async function adminOf(instance) {
  const listening = () => /admin listener on http:\/\/127\.0\.0\.1:(\d+)/.exec(instance.output())?.[1];
  await until(listening, 'the admin listener listens');
  return `http://127.0.0.1:${listening()}`;
}
const health = async (instance) => {
  const response = await fetch(`${await adminOf(instance)}/healthz`);
  return { http: response.status, ...(await response.json()) };
};

async function until(condition, what, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await sleep(50);
  }
}

/** `count` instances in this process (so that the test may move their clock); their base URLs. */
async function inProcess(count, upstream, redis) {
  const services = [];
  for (let i = 0; i < count; i++) {
    const server = createTokenServer({
      baseUrl: upstream.url,
      ...credentials,
      channelId: 'web-1',
      publicOrigin: PUBLIC_ORIGIN,
      rateLimitPoll: 1e6,
      redis: redis.url,
      logger: collectingLogger([]),
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    track({ close: () => (server.closeAllConnections(), new Promise((resolve) => server.close(resolve))) });
    services.push(`http://127.0.0.1:${server.address().port}`);
  }
  return services;
}

/**
 * Runs `test` as if 30 s had passed since the last tokenByAkSk: this process's clock moved on, and the renewal
 * gate, which Redis expires in its own time, taken away.
 */
async function thirtySecondsOn(redis, test) {
  const client = new Redis(redis.url);
  const restore = advanceClock(31_000);
  try {
    await client.del(...(await client.keys('click-to-call:*:renewal-gate')));
    await test();
  } finally {
    restore();
    client.disconnect();
  }
}

describe('many instances on one Redis', () => {
  it('makes exactly one tokenByAkSk for 100 concurrent /token requests spread over three instances', async () => {
    const redis = track(await startRedis());
    const upstream = await startUpstream();
    const instances = await startInstances(3, upstream, redis, { RATE_LIMIT: '1000' });
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => tokenRequest(instances[i % 3], `198.51.100.${i}`)));
    assert.deepEqual(new Set(answers.map((answer) => answer.status)), new Set([200]));
    assert.equal(new Set(answers.map((answer) => answer.json().token)).size, 100);
    assert.equal(upstream.count(TOKEN_BY_AK_SK), 1);
    assert.equal(upstream.stats.applyToken, 100);
  });

  it("shares a visitor's RATE_LIMIT: past it, every instance answers 429 with the window's Retry-After", async () => {
    const redis = track(await startRedis());
    const upstream = await startUpstream();
    const instances = await startInstances(3, upstream, redis, { RATE_LIMIT: '5' });
    const windowStart = Date.now();
    const allowed = [];
    for (let i = 0; i < 5; i++) allowed.push((await tokenRequest(instances[i % 3], '203.0.113.7')).status);
    assert.deepEqual(allowed, [200, 200, 200, 200, 200]);
    for (const instance of instances) {
      const refused = await tokenRequest(instance, '203.0.113.7');
      assert.equal(refused.status, 429);
      // The window opened with the first request, whichever instance took it: what is left of its minute.
      const left = 60 - (Date.now() - windowStart) / 1000;
      const retryAfter = Number(refused.headers.get('retry-after'));
      assert.ok(retryAfter >= Math.floor(left) && retryAfter <= 60, `Retry-After ${retryAfter}, ${left.toFixed(1)} s left`);
    }
    assert.equal((await tokenRequest(instances[0], '203.0.113.8')).status, 200, 'another visitor is not limited');
  });

  it("shares a visitor's RATE_LIMIT_MESSAGE: past it, every instance answers 429 for the rest of the hour", async () => {
    const redis = track(await startRedis());
    const upstream = await startUpstream();
    const instances = await startInstances(3, upstream, redis, { RATE_LIMIT_MESSAGE: '2', VISITOR_COOKIE_KEY: 'k'.repeat(40) });
    const grant = await tokenRequest(instances[0], '203.0.113.7');
    const headers = { ...visitor('203.0.113.7'), Cookie: grant.headers.get('set-cookie').split(';')[0], 'ccmessaging-token': grant.json().token };
    const message = (instance) => instance.call(`${MOUNT}/doLeaveMessage`, post({ channel: 'WEB', caller: '+1 555 0100', leaveMessage: 'Call me' }, headers));
    const rating = (instance) => instance.call(`${MOUNT}/saveSatisfaction`, post({ channel: 'WEB', evaluation: '5' }, headers));
    assert.deepEqual([(await message(instances[1])).status, (await rating(instances[2])).status], [200, 200]);
    for (const instance of instances) {
      const refused = await message(instance);
      assert.equal(refused.status, 429);
      const retryAfter = Number(refused.headers.get('retry-after'));
      assert.ok(retryAfter > 3500 && retryAfter <= 3600, `Retry-After ${retryAfter}`);
    }
    assert.equal(upstream.count(`${MOUNT}/doLeaveMessage`) + upstream.count(`${MOUNT}/saveSatisfaction`), 2);
    assert.equal((await tokenRequest(instances[2], '203.0.113.7')).status, 200, 'RATE_LIMIT is apart');
    const client = new Redis(redis.url);
    try {
      assert.equal((await client.keys('click-to-call:*:limit:message*')).length, 1, 'the count lives in Redis');
    } finally {
      client.disconnect();
    }
  });

  it('accepts on any instance the visitor cookie another instance issued', async () => {
    const redis = track(await startRedis());
    const upstream = await startUpstream();
    const [first, second] = await startInstances(2, upstream, redis, { VISITOR_COOKIE_KEY: 'k'.repeat(40) });
    const issued = await tokenRequest(first, '203.0.113.9');
    const cookie = issued.headers.get('set-cookie').split(';')[0];
    const again = await second.call(`${MOUNT}/token`, post({}, { ...visitor('203.0.113.9'), Cookie: cookie }));
    assert.equal(again.status, 200);
    assert.equal(again.headers.get('set-cookie'), null, 'no new visitor id');
    const userIds = upstream.received.filter((r) => r.url.endsWith('/applyToken')).map((r) => JSON.parse(r.body).userId);
    assert.equal(userIds.length, 2);
    assert.equal(userIds[0], userIds[1]);
  });

  it("shares tokenByAkSk's failure: the other instances wait out the back-off instead of calling it again", async () => {
    const redis = track(await startRedis());
    const upstream = await startUpstream();
    upstream.misbehave((req, res) => req.url === TOKEN_BY_AK_SK && (res.writeHead(500, { 'Content-Type': 'application/json' }).end('{}'), true));
    const instances = await startInstances(3, upstream, redis);
    assert.equal((await tokenRequest(instances[0], '203.0.113.10')).status, 502);
    for (const instance of instances.slice(1)) {
      const waiting = await tokenRequest(instance, '203.0.113.11');
      assert.equal(waiting.status, 503);
      assert.ok(Number(waiting.headers.get('retry-after')) >= 1);
    }
    assert.equal(upstream.count(TOKEN_BY_AK_SK), 1);
  });

  it('lets another instance renew once the lock of an instance killed during tokenByAkSk expires', async () => {
    const redis = track(await startRedis());
    const upstream = await startUpstream();
    // The first tokenByAkSk never gets an answer: its caller is killed while it holds the lock.
    let held = false;
    upstream.misbehave((req) => req.url === TOKEN_BY_AK_SK && !held && (held = true));
    // UPSTREAM_TIMEOUT 2000 ms: the lock lives 4 s.
    const [holder, other] = await startInstances(2, upstream, redis, { UPSTREAM_TIMEOUT: '2000' });
    tokenRequest(holder, '203.0.113.12').catch(() => undefined);
    await until(() => upstream.count(TOKEN_BY_AK_SK) === 1, 'the holder calls tokenByAkSk');
    const lockedAt = upstream.received.find((r) => r.url === TOKEN_BY_AK_SK).at;
    holder.child.kill('SIGKILL');
    const answer = await tokenRequest(other, '203.0.113.13');
    assert.equal(answer.status, 200);
    const calls = upstream.received.filter((r) => r.url === TOKEN_BY_AK_SK);
    assert.equal(calls.length, 2, 'one renewal, by the other instance');
    assert.ok(calls[1].at - lockedAt >= 3_800, `the lock was respected: renewed ${calls[1].at - lockedAt} ms after it was taken`);
  });

  it('gets a token all the same when the lock is not a holder\'s (a key planted without expiry)', async () => {
    const redis = track(await startRedis());
    const upstream = await startUpstream();
    const client = new Redis(redis.url);
    const tenant = createHash('sha256').update(`${upstream.url}\n${credentials.appKey}`).digest('hex').slice(0, 16);
    await client.set(`click-to-call:{${tenant}}:access-token:lock`, 'planted');
    await client.set(`click-to-call:{${tenant}}:access-token`, 'not a sealed token');
    client.disconnect();
    const [instance] = await startInstances(1, upstream, redis, { UPSTREAM_TIMEOUT: '1000' });
    const answer = await tokenRequest(instance, '203.0.113.14');
    assert.equal(answer.status, 200, 'the instance renews on its own');
    assert.equal(upstream.count(TOKEN_BY_AK_SK), 1);
    assert.equal(instance.child.exitCode, null);
  });

  it('renews after a refusal at most once per 30 s across instances, however many forged tokens arrive', async () => {
    const redis = track(await startRedis());
    const upstream = await startUpstream();
    const services = await inProcess(3, upstream, redis);
    const grant = await fetch(`${services[0]}${MOUNT}/token`, post({}));
    assert.equal(grant.status, 200);
    const events = `${MOUNT}/v1/getClickToCallEvents?channel=WEB`;
    const forged = (round) =>
      Promise.all(
        Array.from({ length: 150 }, (_, i) =>
          fetch(`${services[i % 3]}${events}`, { headers: { 'ccmessaging-token': `forged-${round}-${i}` } }).then((r) => r.status),
        ),
      );
    // 30 s on: the AccessToken could be what CEC refuses, so one renewal is allowed, shared by all.
    await thirtySecondsOn(redis, async () => {
      assert.deepEqual(new Set(await forged(1)), new Set([401]));
      assert.equal(upstream.count(TOKEN_BY_AK_SK), 2);
      assert.deepEqual(new Set(await forged(2)), new Set([401]));
      assert.equal(upstream.count(TOKEN_BY_AK_SK), 2, 'no second renewal within 30 s, on any instance');
    });
  });

  it("moves to another instance's newer AccessToken when CEC refuses the older one (newest token only)", async () => {
    const redis = track(await startRedis());
    const upstream = await startUpstream();
    const [first, second] = await inProcess(2, upstream, redis);
    for (const base of [first, second]) assert.equal((await fetch(`${base}${MOUNT}/token`, post({}))).status, 200);
    assert.equal(upstream.count(TOKEN_BY_AK_SK), 1, 'both hold the same AccessToken');
    // Later, the first instance renews after a refusal, and CEC honours only the newest AccessToken.
    upstream.expireAccessTokens();
    await thirtySecondsOn(redis, async () => {
      assert.equal((await fetch(`${first}${MOUNT}/token`, post({}))).status, 200);
      assert.equal(upstream.count(TOKEN_BY_AK_SK), 2);
      const fromSecond = await fetch(`${second}${MOUNT}/token`, post({}));
      assert.equal(fromSecond.status, 200, 'the second instance retried with the first one\'s new AccessToken');
      assert.equal(upstream.count(TOKEN_BY_AK_SK), 2, 'without a tokenByAkSk of its own');
    });
  });

  it('keeps answering when Redis dies (per-instance limits, one log line), and shares again once it is back', async () => {
    const redis = track(await startRedis());
    const upstream = await startUpstream();
    const instances = await startInstances(2, upstream, redis, { RATE_LIMIT: '3', ADMIN_PORT: '0' });
    assert.equal((await tokenRequest(instances[0], '203.0.113.20')).status, 200);
    assert.equal((await tokenRequest(instances[1], '203.0.113.20')).status, 200);
    assert.deepEqual(await health(instances[0]), { http: 200, status: 'ready', accessToken: 'ok', redis: 'ok' });

    // Redis dies while requests are in flight, and stays dead for the next ones.
    const during = Array.from({ length: 40 }, (_, i) =>
      sleep(i * 10).then(() => tokenRequest(instances[i % 2], `203.0.113.${30 + (i % 20)}`)),
    );
    await sleep(150);
    await redis.kill();
    const answers = await Promise.all(during);
    assert.deepEqual(new Set(answers.map((answer) => answer.status)), new Set([200]), 'every request answered');
    // Each instance counts alone now: one visitor gets RATE_LIMIT per instance.
    const alone = [];
    for (let i = 0; i < 8; i++) alone.push((await tokenRequest(instances[i % 2], '203.0.113.50')).status);
    assert.deepEqual(alone, [200, 200, 200, 200, 200, 200, 429, 429]);
    for (const instance of instances) {
      assert.equal(linesSaying(instance, 'Redis is unreachable').length, 1, 'one line per outage');
      const down = await health(instance);
      assert.equal(down.http, 503);
      assert.equal(down.redis, 'down');
      assert.equal(down.accessToken, 'ok');
    }

    await redis.start();
    for (const instance of instances) await until(async () => (await health(instance)).http === 200, 'Redis is used again');
    for (const instance of instances) assert.equal(linesSaying(instance, 'Redis answers again').length, 1);
    const shared = [];
    for (let i = 0; i < 4; i++) shared.push((await tokenRequest(instances[i % 2], '203.0.113.60')).status);
    assert.deepEqual(shared, [200, 200, 200, 429], 'the limit is shared again');
    assert.equal(upstream.count(TOKEN_BY_AK_SK), 1, 'the AccessToken was kept all along');
  });

  it('goes on alone while Redis is frozen (its connections open, nothing answered), and shares again once it answers', async () => {
    const redis = track(await startRedis());
    const upstream = await startUpstream();
    const instances = await startInstances(2, upstream, redis, { RATE_LIMIT: '2', ADMIN_PORT: '0' });
    assert.equal((await tokenRequest(instances[0], '203.0.113.80')).status, 200);
    redis.freeze();
    const during = [];
    for (let i = 0; i < 6; i++) during.push((await tokenRequest(instances[i % 2], '203.0.113.81')).status);
    assert.deepEqual(during, [200, 200, 200, 200, 429, 429], 'answered, each instance counting alone');
    for (const instance of instances) {
      await until(() => linesSaying(instance, 'Redis is unreachable').length === 1, 'the outage is logged');
      assert.equal((await health(instance)).redis, 'down');
    }
    redis.thaw();
    for (const instance of instances) await until(async () => (await health(instance)).http === 200, 'Redis is used again');
    const shared = [];
    for (let i = 0; i < 3; i++) shared.push((await tokenRequest(instances[i % 2], '203.0.113.82')).status);
    assert.deepEqual(shared, [200, 200, 429], 'the limit is shared again');
    for (const instance of instances) assert.equal(linesSaying(instance, 'Redis is unreachable').length, 1);
  });

  it('counts a Redis that answers but refuses writes (a read-only replica after a failover) as down, and says so once', async () => {
    const redis = track(await startRedis());
    const upstream = await startUpstream();
    const instances = await startInstances(2, upstream, redis, { RATE_LIMIT: '2', ADMIN_PORT: '0' });
    assert.equal((await tokenRequest(instances[0], '203.0.113.95')).status, 200);
    const client = new Redis(redis.url);
    await client.replicaof('127.0.0.1', '1'); // a master that is never there: read-only from now on
    try {
      for (const instance of instances) await until(async () => (await health(instance)).redis === 'down', 'the refusal is noticed');
      const alone = [];
      for (let i = 0; i < 6; i++) alone.push((await tokenRequest(instances[i % 2], '203.0.113.96')).status);
      assert.deepEqual(alone, [200, 200, 200, 200, 429, 429], 'each instance counts alone, as it says');
      for (const instance of instances) {
        const lines = linesSaying(instance, 'Redis is unreachable');
        assert.equal(lines.length, 1);
        assert.match(lines[0], /READONLY/);
      }
    } finally {
      await client.replicaof('NO', 'ONE');
      client.disconnect();
    }
    for (const instance of instances) await until(async () => (await health(instance)).http === 200, 'Redis is used again');
  });

  it('counts the /64s of one IPv6 /48 across every instance: past 64, the /48 is one visitor everywhere', async () => {
    const redis = track(await startRedis());
    const upstream = await startUpstream();
    const instances = await startInstances(3, upstream, redis, { RATE_LIMIT: '1' });
    const statuses = [];
    for (let i = 0; i < 150; i++) statuses.push((await tokenRequest(instances[i % 3], `2001:db8:7:${i.toString(16)}::1`)).status);
    assert.equal(statuses.filter((status) => status === 200).length, 64 + 1, 'the first 64 /64s, then the /48 once');
  });

  it('starts without Redis, answering alone, and shares once Redis comes up', async () => {
    const port = await freePort();
    const upstream = await startUpstream();
    const instances = await startInstances(2, upstream, { url: `redis://127.0.0.1:${port}` }, { RATE_LIMIT: '2', ADMIN_PORT: '0' });
    assert.equal((await tokenRequest(instances[0], '203.0.113.90')).status, 200);
    assert.equal((await tokenRequest(instances[1], '203.0.113.90')).status, 200);
    assert.equal(upstream.count(TOKEN_BY_AK_SK), 2, 'each instance on its own');
    track(await startRedis(port));
    for (const instance of instances) await until(async () => (await health(instance)).http === 200, 'Redis is used');
    const shared = [];
    for (let i = 0; i < 3; i++) shared.push((await tokenRequest(instances[i % 2], '203.0.113.91')).status);
    assert.deepEqual(shared, [200, 200, 429]);
  });
});

describe('the library with Redis', () => {
  it('closes without calling it an outage, and leaves a client the site gave open, without its listeners', async () => {
    const redis = track(await startRedis());
    const upstream = await startUpstream();
    const lines = [];
    const options = { baseUrl: upstream.url, ...credentials, channelId: 'web-1', publicOrigin: PUBLIC_ORIGIN, logger: collectingLogger(lines) };
    const owned = createTokenServer({ ...options, redis: redis.url });
    const site = new Redis(redis.url);
    const listeners = () => ['ready', 'error', 'close'].map((event) => site.listenerCount(event));
    const before = listeners();
    const given = createTokenServer({ ...options, redis: site });
    for (const server of [owned, given]) {
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
      assert.equal((await fetch(`http://127.0.0.1:${server.address().port}${MOUNT}/token`, post({}))).status, 200);
      await new Promise((resolve) => server.close(resolve));
    }
    await sleep(100);
    assert.deepEqual(listeners(), before);
    assert.equal(await site.ping(), 'PONG', 'the site\'s client is still open');
    site.disconnect();
    assert.deepEqual(lines.filter((line) => line.includes('Redis')), []);
  });
});

describe('the admin listener', () => {
  it('serves /healthz and /metrics on ADMIN_PORT only, with counts and never a token', async () => {
    const redis = track(await startRedis());
    const upstream = await startUpstream();
    const [instance] = await startInstances(1, upstream, redis, { ADMIN_PORT: '0', RATE_LIMIT: '2' });
    const visitorToken = (await (await tokenRequest(instance, '203.0.113.70')).json()).token;
    await tokenRequest(instance, '203.0.113.70');
    assert.equal((await tokenRequest(instance, '203.0.113.70')).status, 429);
    assert.equal((await instance.call(`${MOUNT}/token`, post({}, { ...visitor('203.0.113.71'), Origin: 'https://evil.example' }))).status, 403);

    const admin = await adminOf(instance);
    assert.match(admin, /^http:\/\/127\.0\.0\.1:/, 'loopback by default');
    const healthz = await fetch(`${admin}/healthz`);
    assert.equal(healthz.status, 200);
    assert.deepEqual(await healthz.json(), { status: 'ready', accessToken: 'ok', redis: 'ok' });
    const metrics = await (await fetch(`${admin}/metrics`)).text();
    assert.match(metrics, /^click_to_call_tokens_issued_total 2$/m);
    assert.match(metrics, /^click_to_call_upstream_requests_total\{operation="tokenByAkSk",status="200"\} 1$/m);
    assert.match(metrics, /^click_to_call_upstream_requests_total\{operation="applyToken",status="200"\} 2$/m);
    assert.match(metrics, /^click_to_call_upstream_duration_seconds_count\{operation="applyToken"\} 2$/m);
    assert.match(metrics, /^click_to_call_refused_requests_total\{reason="rate-limit"\} 1$/m);
    assert.match(metrics, /^click_to_call_refused_requests_total\{reason="origin"\} 1$/m);
    assert.match(metrics, /^click_to_call_redis_fallbacks_total 0$/m);
    assert.match(metrics, /^process_resident_memory_bytes \d+/m, 'with the process metrics');
    assert.ok(!metrics.includes(visitorToken) && !metrics.includes('sim-access-'), 'no token');

    assert.equal((await instance.call('/healthz')).status, 404, 'not on the public port');
    assert.equal((await instance.call(`${MOUNT}/healthz`)).status, 404);
    const [withoutAdmin] = await startInstances(1, upstream, redis);
    assert.doesNotMatch(withoutAdmin.output(), /admin listener/, 'off unless ADMIN_PORT is set');
  });

  it('says what is down: tokenByAkSk refused', async () => {
    const upstream = await startUpstream();
    upstream.misbehave((req, res) => req.url === TOKEN_BY_AK_SK && (res.writeHead(401, { 'Content-Type': 'application/json' }).end('{}'), true));
    const instance = await startCli({
      CEC_BASE_URL: upstream.url,
      CEC_APP_KEY: credentials.appKey,
      CEC_APP_SECRET: 'a-wrong-secret',
      CEC_CHANNEL_ID: 'web-1',
      PUBLIC_ORIGIN,
      ADMIN_PORT: '0',
    });
    const healthz = await fetch(`${await adminOf(instance)}/healthz`);
    assert.equal(healthz.status, 503);
    assert.deepEqual(await healthz.json(), {
      status: 'unavailable',
      accessToken: 'down: tokenByAkSk: CEC refused it (HTTP 401): check the app key and secret',
      redis: 'off',
    });
  });
});
