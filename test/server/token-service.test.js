// The token service (dist/server, built by `npm test`) over real HTTP on 127.0.0.1, against the simulated CEC:
// what it does for a well-behaved site. Hostile traffic is in hostile.test.js.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createTokenService } from '../../dist/server/index.js';
import * as harness from './harness.js';
import { advanceClock, answered, closeAll, isSimulatedToken, logged, MOUNT, post, PUBLIC_ORIGIN, SIMULATED_TOKEN, track } from './harness.js';
import { loadMocks, serveSimulatedUpstream } from '../../mocks/serve.js';

const mocks = await loadMocks();
const credentials = mocks.upstreamCredentials;
const { appSecret } = credentials;
const startService = (upstream, options) => harness.startService(upstream, credentials, options);
const startUpstream = async (...args) => track(await serveSimulatedUpstream(mocks, ...args));
after(closeAll);

let upstream;
before(async () => {
  upstream = await startUpstream({ queueMs: 0 });
});

describe('POST /token', () => {
  it('answers {token, expiresIn} and gives the browser a signed anonymous HttpOnly, Secure, SameSite cookie', async () => {
    const { call } = await startService(upstream);
    const answer = await call('/apiaccess/ccmessaging/token', post({ context: { page: '/' } }));
    assert.equal(answer.status, 200);
    const grant = answer.json();
    assert.ok(isSimulatedToken(grant.token), grant.token);
    assert.equal(grant.expiresIn, 3600);
    assert.deepEqual(Object.keys(grant).sort(), ['expiresIn', 'token']);
    assert.match(answer.headers.get('set-cookie'), /^__Host-ctc_visitor=[a-f0-9]{24}\.[\w-]{43}; Path=\/; Max-Age=\d+; HttpOnly; Secure; SameSite=Lax$/);
    assert.equal(answer.headers.get('cache-control'), 'no-store');
    assert.equal(answer.headers.get('x-content-type-options'), 'nosniff');
  });

  it('keeps the visitor\'s id while the browser sends its cookie back', async () => {
    const fresh = await startUpstream();
    const { call } = await startService(fresh);
    const first = await call(`${MOUNT}/token`, post({}));
    const cookie = first.headers.get('set-cookie').split(';')[0];
    const again = await call(`${MOUNT}/token`, post({}, { Cookie: cookie }));
    assert.equal(again.status, 200);
    assert.equal(again.headers.get('set-cookie'), null);
    const userIds = fresh.received.filter((r) => r.url.endsWith('/applyToken')).map((r) => JSON.parse(r.body).userId);
    assert.deepEqual(userIds, [cookie.slice('__Host-ctc_visitor='.length, '__Host-ctc_visitor='.length + 24), userIds[0]]);
  });

  it('makes exactly one tokenByAkSk for 100 concurrent requests', async () => {
    const fresh = await startUpstream();
    const { token } = await startService(fresh, { rateLimit: 1000 });
    const tokens = await Promise.all(Array.from({ length: 100 }, () => token()));
    assert.equal(new Set(tokens).size, 100);
    assert.equal(fresh.stats.tokenByAkSk, 1);
    assert.equal(fresh.stats.applyToken, 100);
  });

  it('renews the AccessToken exactly once when it expires', async () => {
    const fresh = await startUpstream();
    const { token } = await startService(fresh, { rateLimit: 1000, accessTokenLifetime: 1 });
    await token();
    await new Promise((resolve) => setTimeout(resolve, 900)); // past four fifths of its one second
    await Promise.all(Array.from({ length: 20 }, () => token()));
    assert.equal(fresh.stats.tokenByAkSk, 2);
  });

  it('renews the AccessToken once and retries once when CEC refuses one older than 30 s', async () => {
    const fresh = await startUpstream();
    const { token } = await startService(fresh);
    await token();
    fresh.expireAccessTokens();
    const restore = advanceClock(31_000);
    try {
      assert.ok(isSimulatedToken(await token()));
    } finally {
      restore();
    }
    assert.equal(fresh.stats.tokenByAkSk, 2);
    assert.equal(fresh.stats.applyToken, 3);
  });

  it('hands out the AccessToken only with exposeAccessToken, and warns about it', async () => {
    const { call } = await startService(upstream, { exposeAccessToken: true });
    const grant = (await call('/apiaccess/ccmessaging/token', post({}))).json();
    assert.equal(grant.appKey, credentials.appKey);
    assert.match(grant.accessToken, /^sim-access-/);
    assert.ok(logged.some((line) => line.startsWith('warn') && line.includes('exposeAccessToken')));
    answered.pop(); // this answer carries the AccessToken on purpose
  });

  it('uses identify(req) for the visitor', async () => {
    const seen = [];
    const { call } = await startService(upstream, {
      identify: (req) => {
        seen.push(req.headers['x-user']);
        return { userId: 'user-42', userName: 'Ana', locale: 'zh_CN' };
      },
    });
    assert.equal((await call('/apiaccess/ccmessaging/token', post({}, { 'x-user': 'ana' }))).status, 200);
    assert.deepEqual(seen, ['ana']);
  });
});

describe('the CEC proxy', () => {
  it('forwards the four click-to-dial operations with the gateway credentials added', async () => {
    const { call, token } = await startService(upstream);
    const headers = { 'ccmessaging-token': await token() };
    const check = await call('/apiaccess/ccmessaging/v1/checkClickToCallSupport?channel=WEB', { headers });
    assert.equal(check.json().clickToCallSupported, true);
    const create = await call('/apiaccess/ccmessaging/v1/createClickToCall', post({ channel: 'WEB', mediaAbility: '0' }, headers));
    assert.equal(create.json().resultCode, '0');
    const events = await call('/apiaccess/ccmessaging/v1/getClickToCallEvents?channel=WEB', { headers });
    assert.equal(events.json().resultDesc, 'Call in queue');
    const drop = await call('/apiaccess/ccmessaging/v1/dropClickToCall', post({ channel: 'WEB' }, headers));
    assert.equal(drop.json().resultCode, '0');
  });

  it('passes back a ccmessaging-token CEC rotated', async () => {
    const rotating = await startUpstream({ rotateTokens: true });
    const { call, token } = await startService(rotating);
    const answer = await call('/apiaccess/ccmessaging/v1/getClickToCallEvents?channel=WEB', { headers: { 'ccmessaging-token': await token() } });
    assert.equal(answer.status, 200);
    assert.ok(isSimulatedToken(answer.headers.get('ccmessaging-token')));
  });

  it('passes CEC\'s own refusal of a visitor token through, for the element to fetch a new one', async () => {
    const { call } = await startService(upstream);
    const answer = await call('/apiaccess/ccmessaging/v1/checkClickToCallSupport?channel=WEB', { headers: { 'ccmessaging-token': 'forged' } });
    assert.equal(answer.status, 401);
  });

  const refused = [
    ['another CEC path', '/apiaccess/ccmessaging/applyToken', post({})],
    ['an unknown operation', '/apiaccess/ccmessaging/v1/send', post({})],
    ['the wrong method', '/apiaccess/ccmessaging/v1/createClickToCall?channel=WEB', {}],
    ['a POST to a GET operation', '/apiaccess/ccmessaging/v1/getClickToCallEvents', post({})],
    ['path traversal', '/apiaccess/ccmessaging/v1/../applyToken', post({})],
    ['encoded path traversal', '/apiaccess/ccmessaging/v1/%2e%2e/applyToken', post({})],
    ['tokenByAkSk', '/apigovernance/api/oauth/tokenByAkSk', post({})],
    ['a path outside the mount', '/anything', {}],
  ];
  for (const [what, path, init] of refused) {
    it(`answers 404 to ${what}`, async () => {
      const { call } = await startService(upstream);
      assert.equal((await call(path, init)).status, 404);
    });
  }
});

describe('safety', () => {
  it('answers CORS only for allowed origins and refuses others with 403', async () => {
    const { call } = await startService(upstream, { allowedOrigins: ['https://partner.example'] });
    const allowed = await call('/apiaccess/ccmessaging/token', post({}, { Origin: 'https://partner.example' }));
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://partner.example');
    assert.equal(allowed.headers.get('access-control-expose-headers'), 'ccmessaging-token');
    const preflight = await call('/apiaccess/ccmessaging/v1/createClickToCall', {
      method: 'OPTIONS',
      headers: { Origin: 'https://partner.example', 'Access-Control-Request-Method': 'POST' },
    });
    assert.equal(preflight.status, 204);
    assert.match(preflight.headers.get('access-control-allow-headers'), /ccmessaging-token/);
    const stranger = await call('/apiaccess/ccmessaging/token', post({}, { Origin: 'https://evil.example' }));
    assert.equal(stranger.status, 403);
    assert.equal(stranger.headers.get('access-control-allow-origin'), null);
    const sameOrigin = await call('/apiaccess/ccmessaging/token', post({}, { Origin: PUBLIC_ORIGIN }));
    assert.equal(sameOrigin.status, 200);
  });

  it('limits /token and createClickToCall per client with 429 and Retry-After', async () => {
    const { call, token } = await startService(upstream, { rateLimit: 3 });
    const visitorToken = await token();
    await token();
    await token();
    const limited = await call('/apiaccess/ccmessaging/token', post({}));
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    assert.equal(limited.json().error, 'rate-limited');
    const create = await call('/apiaccess/ccmessaging/v1/createClickToCall', post({ channel: 'WEB', mediaAbility: '0' }, { 'ccmessaging-token': visitorToken }));
    assert.equal(create.status, 429);
    const check = await call('/apiaccess/ccmessaging/v1/checkClickToCallSupport?channel=WEB', { headers: { 'ccmessaging-token': visitorToken } });
    assert.equal(check.status, 200, 'polling has its own, higher limit');
  });

  it('refuses bodies over the cap with 413', async () => {
    const { call } = await startService(upstream);
    assert.equal((await call('/apiaccess/ccmessaging/token', post({ context: 'x'.repeat(5000) }))).status, 413);
  });

  const invalid = [
    ['a body that is not JSON', '/apiaccess/ccmessaging/token', post('{nope')],
    ['a JSON array', '/apiaccess/ccmessaging/token', post('[1]')],
    ['mediaAbility "2"', '/apiaccess/ccmessaging/v1/createClickToCall', post({ channel: 'WEB', mediaAbility: '2' }, { 'ccmessaging-token': 't' })],
    ['no channel', '/apiaccess/ccmessaging/v1/dropClickToCall', post({}, { 'ccmessaging-token': 't' })],
    ['no ccmessaging-token', '/apiaccess/ccmessaging/v1/dropClickToCall', post({ channel: 'WEB' })],
    ['a query beyond channel', '/apiaccess/ccmessaging/v1/getClickToCallEvents?channel=WEB&x=1', { headers: { 'ccmessaging-token': 't' } }],
  ];
  for (const [what, path, init] of invalid) {
    it(`answers 400 with a message to ${what}`, async () => {
      const { call } = await startService(upstream);
      const answer = await call(path, init);
      assert.equal(answer.status, 400);
      assert.equal(answer.json().error, 'bad-request');
      assert.ok(answer.json().message);
    });
  }

  it('answers 504 when CEC is too slow and 502 when it cannot be reached', async () => {
    const slow = await startUpstream({}, { delayMs: 300 });
    const timedOut = await (await startService(slow, { upstreamTimeout: 100 })).call('/apiaccess/ccmessaging/token', post({}));
    assert.equal(timedOut.status, 504);
    assert.equal(timedOut.json().error, 'upstream-timeout');
    const gone = await startService({ url: 'http://127.0.0.1:1' });
    const unreachable = await gone.call('/apiaccess/ccmessaging/token', post({}));
    assert.equal(unreachable.status, 502);
    assert.deepEqual(unreachable.json(), { error: 'upstream', message: 'CEC is unavailable' });
  });

  it('fails fast on missing or unsafe configuration', () => {
    const valid = { ...credentials, domain: 'cec.example', channelId: 'c', publicOrigin: PUBLIC_ORIGIN };
    assert.throws(() => createTokenService({}), /missing appKey, appSecret, channelId, domain/);
    assert.throws(() => createTokenService({ ...valid, baseUrl: 'http://cec.example' }), /must be https/);
    assert.throws(() => createTokenService({ ...valid, rateLimit: -1 }), /rateLimit/);
    assert.throws(() => createTokenService({ ...valid, publicOrigin: undefined }), /set publicOrigin .* or allowedOrigins/);
    assert.throws(() => createTokenService({ ...valid, logger: console }), /logger must be a pino logger/);
    assert.throws(() => createTokenService({ ...valid, redis: 'http://user:secret@cache.example' }), (error) => /redis must be a URL/.test(error.message) && !error.message.includes('secret'));
    assert.throws(() => createTokenService({ ...valid, redis: { get() {} } }), /redis must be a redis:\/\/ URL or an ioredis client/);
    const cli = spawnSync(process.execPath, ['dist/server/cli.js'], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
    assert.equal(cli.status, 1);
    assert.equal(cli.stderr, 'click-to-call server: missing CEC_APP_KEY, CEC_APP_SECRET, CEC_CHANNEL_ID, CEC_DOMAIN\n');
  });

  it('never logs or answers the secret or the AccessToken, and never logs a visitor token', () => {
    const logs = logged.join('\n');
    assert.ok(logs.length > 0);
    assert.doesNotMatch(logs, new RegExp(appSecret));
    assert.doesNotMatch(logs, /sim-access-/);
    assert.doesNotMatch(logs, SIMULATED_TOKEN);
    const responses = answered.join('\n');
    assert.doesNotMatch(responses, new RegExp(appSecret));
    assert.doesNotMatch(responses, /sim-access-/);
  });
});

describe('CEC as its documentation allows it to behave', () => {
  const operation = (name) => `${MOUNT}/v1/${name}`;

  it('lets CEC hold getClickToCallEvents longer than upstreamTimeout, up to pollTimeout (a long poll)', async () => {
    const cec = await startUpstream({ holdPollMs: 1500, queueMs: 60_000 });
    const { call, token } = await startService(cec, { upstreamTimeout: 500 });
    const visitor = await token();
    const headers = { 'ccmessaging-token': visitor, Origin: PUBLIC_ORIGIN };
    assert.equal((await call(operation('createClickToCall'), post({ channel: 'WEB', mediaAbility: '0' }, headers))).status, 200);
    await call(`${operation('getClickToCallEvents')}?channel=WEB`, { headers }); // "Call in queue", at once
    const began = Date.now();
    const held = await call(`${operation('getClickToCallEvents')}?channel=WEB`, { headers });
    assert.equal(held.status, 200, held.text);
    assert.ok(Date.now() - began >= 1400, 'CEC held it');
    assert.match(held.json().resultDesc, /polled without any events/);
  });

  it('still bounds a poll by pollTimeout: 504', async () => {
    const cec = await startUpstream({ holdPollMs: 3000, queueMs: 60_000 });
    const { call, token } = await startService(cec, { upstreamTimeout: 300, pollTimeout: 600 });
    const headers = { 'ccmessaging-token': await token(), Origin: PUBLIC_ORIGIN };
    assert.equal((await call(`${operation('getClickToCallEvents')}?channel=WEB`, { headers })).status, 504);
  });

  it('never sends createClickToCall twice for one request, even when CEC refuses the AccessToken', async () => {
    const cec = await startUpstream({});
    const { call, token } = await startService(cec);
    const headers = { 'ccmessaging-token': await token(), Origin: PUBLIC_ORIGIN };
    cec.expireAccessTokens();
    const restore = advanceClock(31_000); // a renewal is allowed
    try {
      const refused = await call(operation('createClickToCall'), post({ channel: 'WEB', mediaAbility: '0' }, headers));
      assert.equal(refused.status, 403);
    } finally {
      restore();
    }
    assert.equal(cec.count(mocks.cecPath('createClickToCall')), 1);
    assert.equal(cec.stats.tokenByAkSk, 2, 'renewed for the browser\'s one retry');
  });

  it('passes CEC\'s 403 "request timed out" to the browser as it came', async () => {
    const cec = await startUpstream({ create: 'request-timed-out' });
    const { call, token } = await startService(cec);
    const headers = { 'ccmessaging-token': await token(), Origin: PUBLIC_ORIGIN };
    const answer = await call(operation('createClickToCall'), post({ channel: 'WEB', mediaAbility: '0' }, headers));
    assert.equal(answer.status, 403);
    assert.match(answer.text, /timed out/);
    assert.equal(cec.count(mocks.cecPath('createClickToCall')), 1);
  });
});
