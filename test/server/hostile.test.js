// The token service under hostile traffic, against the simulated CEC (mocks/handlers.ts) served on 127.0.0.1,
// which records every request it receives. One `describe` per attack the hostile-traffic review reproduced.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pino } from 'pino';
import { createTokenServer, createTokenService } from '../../dist/server/index.js';
import * as harness from './harness.js';
import { advanceClock, closeAll, collectingLogger, inBatches, isSimulatedToken, logged, MOUNT, post, PUBLIC_ORIGIN, rawRequest, sleep, startCli, track } from './harness.js';
import { loadMocks, serveSimulatedUpstream } from '../../mocks/serve.js';

const mocks = await loadMocks();
const credentials = mocks.upstreamCredentials;
const startService = (upstream, options) => harness.startService(upstream, credentials, options);
const startUpstream = async (...args) => track(await serveSimulatedUpstream(mocks, ...args));
after(closeAll);

const TOKEN_BY_AK_SK = '/apigovernance/api/oauth/tokenByAkSk';
const events = `${MOUNT}/v1/getClickToCallEvents?channel=WEB`;
const cliEnv = (upstream, env = {}) => ({
  CEC_BASE_URL: upstream.url,
  CEC_APP_KEY: credentials.appKey,
  CEC_APP_SECRET: credentials.appSecret,
  CEC_CHANNEL_ID: 'web-1',
  PUBLIC_ORIGIN,
  ...env,
});

/** A JSON `{error, message}` body, as every refusal carries — or CEC's own `{errorCode}`, passed through. */
function assertRefusal(body, what) {
  let json;
  assert.doesNotThrow(() => (json = JSON.parse(body)), `${what}: the body is JSON (${body.slice(0, 80)})`);
  if (json.errorCode !== undefined) return;
  assert.equal(typeof json.error, 'string', what);
  assert.equal(typeof json.message, 'string', what);
}

describe('1. no request stops the process', () => {
  const request = (target, { method = 'GET', headers = [], body = '' } = {}) =>
    `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers.map((header) => `${header}\r\n`).join('')}Connection: close\r\n\r\n${body}`;
  const token = `${MOUNT}/token`;
  const check = `${MOUNT}/v1/checkClickToCallSupport?channel=WEB`;
  /** What the review sent, then malformed targets, methods, headers and bodies: [what, raw request]. */
  const fuzz = [
    ...['//[', '/\\[', 'http://[', '//a:99999/', 'http://%zz/'].map((target) => [`target ${target}`, request(target)]),
    ...[
      '*', '/%', '/%zz', `${MOUNT}/%`, `${MOUNT}/v1/%E0%A4%A`, `${MOUNT}/v1/__proto__`, `${MOUNT}/v1/constructor`,
      `${MOUNT}/v1/toString?channel=WEB`, `${MOUNT}/v1/hasOwnProperty`, `${check}&channel=X`, `${MOUNT}/v1/checkClickToCallSupport?channel[]=WEB`,
      `${MOUNT}/v1/checkClickToCallSupport?channel=${'A'.repeat(5000)}`, `${MOUNT}/../../etc/passwd`, `${MOUNT}/v1/..%2f..%2fapplyToken`,
      `${MOUNT}/v1/%2e%2e/%2e%2e/apigovernance/api/oauth/tokenByAkSk`, `//evil.example${MOUNT}/token`, `http://127.0.0.1${MOUNT}/token`,
      `https://evil.example${MOUNT}/token`, 'ftp://evil.example/', `${token}#fragment`, `${token}?%`, `${MOUNT}/v1/${'x'.repeat(8000)}`,
      `/${'%'.repeat(3000)}`, `${MOUNT}/token/`, `${MOUNT}//token`, `${MOUNT}/TOKEN`,
    ].map((target) => [`target ${target.slice(0, 60)}`, request(target)]),
    ...['PUT', 'DELETE', 'PATCH', 'TRACE', 'PROPFIND', 'FOO'].map((method) => [`method ${method}`, request(token, { method })]),
    ['CONNECT', 'CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n'],
    ['no Host', `GET ${check} HTTP/1.1\r\nConnection: close\r\n\r\n`],
    ['HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'],
    ['a TLS hello', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03'],
    ['a bare newline request', `GET ${check} HTTP/1.1\nHost: a\n\n`],
    ['HTTP/9.9', `GET ${check} HTTP/9.9\r\nHost: a\r\n\r\n`],
    ['a header without a colon', request(check, { headers: ['ccmessaging-token'] })],
    ['a header name with a space', request(check, { headers: ['ccmessaging token: x'] })],
    ['a folded header', request(check, { headers: ['ccmessaging-token: a', ' b'] })],
    ['a NUL in a header', request(check, { headers: ['ccmessaging-token: a\0b'] })],
    ['headers over 16 kB', request(check, { headers: Array.from({ length: 100 }, (_, i) => `x-pad-${i}: ${'p'.repeat(200)}`) })],
    ['a 5 kB ccmessaging-token', request(check, { headers: [`ccmessaging-token: ${'t'.repeat(5000)}`] })],
    ['a ccmessaging-token with spaces', request(check, { headers: ['ccmessaging-token: a b'] })],
    ['a non-ASCII ccmessaging-token', request(check, { headers: ['ccmessaging-token: caf\xe9'] })],
    ['Origin null', request(token, { method: 'POST', headers: ['Origin: null', 'Content-Length: 2'], body: '{}' })],
    ['an empty Origin', request(token, { method: 'POST', headers: ['Origin:', 'Content-Length: 2'], body: '{}' })],
    ['two Origins', request(token, { method: 'POST', headers: [`Origin: ${PUBLIC_ORIGIN}`, 'Origin: https://evil.example'] })],
    ['a negative Content-Length', request(token, { method: 'POST', headers: ['Content-Length: -1'] })],
    ['a Content-Length that is not a number', request(token, { method: 'POST', headers: ['Content-Length: abc'] })],
    ['two different Content-Lengths', request(token, { method: 'POST', headers: ['Content-Length: 2', 'Content-Length: 3'], body: '{}' })],
    ['Content-Length with chunked', request(token, { method: 'POST', headers: ['Content-Length: 2', 'Transfer-Encoding: chunked'], body: '{}' })],
    ['a broken chunked body', request(token, { method: 'POST', headers: ['Transfer-Encoding: chunked'], body: 'zz\r\n{}\r\n0\r\n\r\n' })],
    ['Transfer-Encoding gzip', request(token, { method: 'POST', headers: ['Transfer-Encoding: gzip'], body: '{}' })],
    ['a body that is not UTF-8 JSON', request(token, { method: 'POST', headers: ['Content-Length: 4'], body: '\xff\xfe\x00{' })],
    ['a deeply nested body', request(token, { method: 'POST', headers: ['Content-Length: 4000'], body: '['.repeat(4000) })],
    ['a JSON string body', request(token, { method: 'POST', headers: ['Content-Length: 4'], body: '"hi"' })],
    ['a GET with a body', request(check, { headers: ['ccmessaging-token: t', 'Content-Length: 5'], body: 'hello' })],
    ['an unknown Expect', request(token, { method: 'POST', headers: ['Expect: 200-ok', 'Content-Length: 2'], body: '{}' })],
    ['a forged X-Forwarded-For', request(check, { headers: ['X-Forwarded-For: ::ffff:999.1.1.1, [', 'ccmessaging-token: t'] })],
    ['a WebSocket upgrade', request(events, { headers: ['Upgrade: websocket', 'Connection: Upgrade'] })],
    ['a Content-Type that is not JSON', request(token, { method: 'POST', headers: ['Content-Type: text/plain', 'Content-Length: 2'], body: '{}' })],
    ['a path that resolves to /token', request(`${MOUNT}/doLeaveMessage\\..\\token`, { method: 'POST', headers: ['Content-Length: 0'] })],
  ];
  /** Odd but well-formed requests for a token: each still gets one. */
  const odd = [
    ['a forged visitor cookie', [`Cookie: __Host-ctc_visitor=${'a'.repeat(32)}.${'b'.repeat(43)}`]],
    ['a 10 kB cookie', [`Cookie: ${'c=1; '.repeat(2000)}`]],
    ['an odd Accept-Language', ['Accept-Language: zz-ZZZ;q=x, *']],
    ['a Content-Type with a charset', ['Content-Type: Application/JSON; charset=UTF-8']],
  ].map(([what, headers]) => {
    const typed = headers.some((header) => /^content-type:/i.test(header)) ? headers : ['Content-Type: application/json', ...headers];
    return [what, request(token, { method: 'POST', headers: [...typed, 'Content-Length: 2'], body: '{}' })];
  });

  it(`answers the review's five targets and ${fuzz.length - 5} more malformed requests with JSON, then still issues tokens`, async () => {
    assert.ok(fuzz.length >= 55);
    const upstream = await startUpstream();
    const cli = await startCli(cliEnv(upstream));
    for (const [what, raw] of fuzz) {
      const answer = await rawRequest(cli.port, raw);
      assert.ok(answer.status >= 400 && answer.status < 500, `${what}: answered ${answer.status || 'nothing'}`);
      assertRefusal(answer.body, what);
      assert.match(answer.head, /x-content-type-options: nosniff/i, what);
    }
    assert.equal(cli.child.exitCode, null, 'the process is still running');
    assert.equal(upstream.count(`${MOUNT}/applyToken`), 0, 'no malformed request got a token');
    for (const [what, raw] of odd) {
      const answer = await rawRequest(cli.port, raw);
      assert.equal(answer.status, 200, what);
      assert.ok(isSimulatedToken(JSON.parse(answer.body).token), what);
    }
    assert.ok(isSimulatedToken(await cli.token()));
    assert.equal(upstream.count(TOKEN_BY_AK_SK), 1);
  });

  it('answers a 500 with a generic message when identify() throws, and logs the detail', async () => {
    const upstream = await startUpstream();
    const { call } = await startService(upstream, {
      identify: () => {
        throw new Error('session store is down');
      },
    });
    const answer = await call(`${MOUNT}/token`, post({}));
    assert.equal(answer.status, 500);
    assert.deepEqual(answer.json(), { error: 'internal', message: 'internal error' });
    assert.ok(logged.some((line) => line.startsWith('error') && line.includes('session store is down')));
  });
});

describe('2. nothing a client sends is remembered', () => {
  /** A full collection, finalizers included (fetch registers its bodies for cleanup, which takes a few rounds). */
  const gc = async () => {
    setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc');
    for (let round = 0; round < 5; round++) {
      collect();
      await sleep(50);
    }
  };

  it('keeps memory flat over 5,000 distinct 4 kB forged tokens', async () => {
    const upstream = await startUpstream();
    const { base } = await startService(upstream, { rateLimitPoll: 1e6 });
    // Plain fetch: the harness would keep every answer.
    const forged = (i) => async () => {
      const response = await fetch(`${base}${events}`, { headers: { 'ccmessaging-token': `${i}-`.padEnd(4096, 'f') } });
      await response.arrayBuffer();
      return response.status;
    };
    await inBatches(Array.from({ length: 200 }, (_, i) => forged(-i))); // warm up connections and code
    upstream.received.length = 0; // what the simulated CEC records is not the service's
    await gc();
    const before = process.memoryUsage().heapUsed;
    const statuses = await inBatches(Array.from({ length: 5000 }, (_, i) => forged(i)));
    upstream.received.length = 0;
    await gc();
    const grown = process.memoryUsage().heapUsed - before;
    assert.ok(statuses.every((status) => status === 401));
    // Remembering them would hold 20 MB of tokens alone.
    assert.ok(grown < 4 * 2 ** 20, `heap grew ${(grown / 2 ** 20).toFixed(1)} MB`);
  });

  it('never lets a client\'s "token" rewrite later log lines', async () => {
    const upstream = await startUpstream();
    const { call } = await startService(upstream);
    await call(events, { headers: { 'ccmessaging-token': 'e' } });
    await call(`${MOUNT}/v1/checkClickToCallSupport?channel=WEB`, { headers: { 'ccmessaging-token': 'T' } });
    const last = logged.at(-1);
    assert.match(last, /GET \/apiaccess\/ccmessaging\/v1\/checkClickToCallSupport 401 \d+ ms/);
    assert.doesNotMatch(logged.join('\n'), /\[redacted\]/);
  });

  it('never logs a visitor token, a rotated token, the secret or the AccessToken', async () => {
    const upstream = await startUpstream({ rotateTokens: true });
    const { call, token } = await startService(upstream);
    const visitorToken = await token();
    const polled = await call(events, { headers: { 'ccmessaging-token': visitorToken } });
    const rotated = polled.headers.get('ccmessaging-token');
    assert.ok(isSimulatedToken(rotated), rotated);
    const logs = logged.join('\n');
    for (const secret of [visitorToken, rotated, credentials.appSecret, 'sim-access-']) assert.ok(!logs.includes(secret), secret);
  });
});

describe('3. forged visitor tokens cannot drive tokenByAkSk', () => {
  it('makes at most one tokenByAkSk for 500 forged requests, however old the AccessToken', async () => {
    const upstream = await startUpstream();
    const { call, token } = await startService(upstream, { rateLimitPoll: 1e6 });
    await token();
    const restore = advanceClock(31_000); // past the 30 s in which a refusal is never the AccessToken's
    try {
      const forged = (i) => () => call(events, { headers: { 'ccmessaging-token': `forged-${i}` } });
      const answers = await inBatches(Array.from({ length: 500 }, (_, i) => forged(i)));
      assert.ok(answers.every((answer) => answer.status === 401), 'CEC\'s refusal reaches the browser');
    } finally {
      restore();
    }
    assert.ok(upstream.count(TOKEN_BY_AK_SK) <= 2, `${upstream.count(TOKEN_BY_AK_SK) - 1} renewals`);
  });

  it('renews at most once per 30 s under a steady trickle of forged tokens', async () => {
    const upstream = await startUpstream();
    const { call, token } = await startService(upstream);
    await token();
    /** A forged poll `seconds` after the service started (the clock goes back after each). */
    const forgedPollAt = async (seconds) => {
      const restore = advanceClock(seconds * 1000);
      try {
        return (await call(events, { headers: { 'ccmessaging-token': `forged-${seconds}` } })).status;
      } finally {
        restore();
      }
    };
    const renewalsAt = [];
    for (const seconds of [10, 31, 40, 55, 62, 70, 93]) {
      assert.equal(await forgedPollAt(seconds), 401);
      renewalsAt.push(upstream.count(TOKEN_BY_AK_SK) - 1);
    }
    assert.deepEqual(renewalsAt, [0, 1, 1, 1, 2, 2, 3]);
  });

  it('keeps using the AccessToken it holds when a renewal for a refusal fails', async () => {
    const upstream = await startUpstream();
    const { call, token } = await startService(upstream);
    await token();
    upstream.misbehave((req, res) => {
      if (!req.url.startsWith(TOKEN_BY_AK_SK)) return false;
      res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"errorCode":"APIGW.0500"}');
      return true;
    });
    const restore = advanceClock(31_000);
    try {
      assert.equal((await call(events, { headers: { 'ccmessaging-token': 'forged' } })).status, 401);
      assert.equal(upstream.count(TOKEN_BY_AK_SK), 2, 'a renewal was tried, and failed');
      assert.ok(isSimulatedToken(await token()), 'visitors still get tokens with the AccessToken that still lives');
    } finally {
      restore();
    }
  });

  it('passes a refusal through while the AccessToken is younger than 30 s, for the browser to renew its own token', async () => {
    const upstream = await startUpstream();
    const { call, token } = await startService(upstream);
    const visitorToken = await token();
    upstream.expireAccessTokens();
    const answer = await call(events, { headers: { 'ccmessaging-token': visitorToken } });
    assert.equal(answer.status, 403);
    assert.equal(upstream.count(TOKEN_BY_AK_SK), 1);
  });

  it('limits polling per visitor too (RATE_LIMIT_POLL), with 429 and Retry-After', async () => {
    const upstream = await startUpstream();
    const { call, token } = await startService(upstream, { rateLimitPoll: 5 });
    const headers = { 'ccmessaging-token': await token() };
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await call(events, { headers })).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
    const limited = await call(`${MOUNT}/v1/checkClickToCallSupport?channel=WEB`, { headers });
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.equal(upstream.count(`${MOUNT}/v1/getClickToCallEvents`), 5);
  });
});

describe('4. behind a proxy, each visitor has its own limit', () => {
  const from = (address, headers = {}) => ({ ...post({}), headers: { ...post({}).headers, 'X-Forwarded-For': address, ...headers } });
  const tokenStatus = async (call, address) => (await call(`${MOUNT}/token`, from(address))).status;

  it('gives two visitors behind a trusted proxy two buckets', async () => {
    const upstream = await startUpstream();
    const { call } = await startService(upstream, { rateLimit: 2, trustProxy: 'loopback' });
    assert.deepEqual([await tokenStatus(call, '203.0.113.7'), await tokenStatus(call, '203.0.113.7'), await tokenStatus(call, '203.0.113.7')], [200, 200, 429]);
    assert.equal(await tokenStatus(call, '203.0.113.8'), 200, 'another visitor is not held back');
  });

  it('ignores X-Forwarded-For from a client that is not a trusted proxy', async () => {
    const upstream = await startUpstream();
    const { call } = await startService(upstream, { rateLimit: 2 });
    const statuses = [];
    for (const address of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) statuses.push(await tokenStatus(call, address));
    assert.deepEqual(statuses, [200, 200, 429]);
  });

  it('with a hop count, reads the address the proxy saw, not what the client wrote before it', async () => {
    const upstream = await startUpstream();
    const { call } = await startService(upstream, { rateLimit: 2, trustProxy: 1 });
    const statuses = [];
    for (const spoofed of ['1.1.1.1', '2.2.2.2', '3.3.3.3']) statuses.push(await tokenStatus(call, `${spoofed}, 203.0.113.9`));
    assert.deepEqual(statuses, [200, 200, 429]);
  });

  it('keys IPv6 visitors by /64 and IPv4-mapped addresses as IPv4', async () => {
    const upstream = await startUpstream();
    const { call } = await startService(upstream, { rateLimit: 2, trustProxy: 'loopback' });
    assert.equal(await tokenStatus(call, '2001:db8:1:2::1'), 200);
    assert.equal(await tokenStatus(call, '2001:db8:1:2:ffff::9'), 200);
    assert.equal(await tokenStatus(call, '2001:db8:1:2:abcd::1'), 429, 'the same /64');
    assert.equal(await tokenStatus(call, '2001:db8:1:3::1'), 200, 'the next /64');
    assert.equal(await tokenStatus(call, '203.0.113.20'), 200);
    assert.equal(await tokenStatus(call, '::ffff:203.0.113.20'), 200);
    assert.equal(await tokenStatus(call, '203.0.113.20'), 429, 'the same IPv4 visitor');
  });

  it('drops the port some proxies append to the address', async () => {
    const upstream = await startUpstream();
    const { call } = await startService(upstream, { rateLimit: 2, trustProxy: 'loopback' });
    const statuses = [];
    for (const address of ['9.9.9.9:40001', '9.9.9.9:40002', '9.9.9.9']) statuses.push(await tokenStatus(call, address));
    assert.deepEqual(statuses, [200, 200, 429]);
    assert.equal(await tokenStatus(call, '[2001:db8:5::1]:443'), 200);
    assert.equal(await tokenStatus(call, '2001:db8:5::2'), 200);
    assert.equal(await tokenStatus(call, '[2001:db8:5::3]:80'), 429);
  });

  it('reads X-Forwarded-For from a proxy on a Unix socket', async () => {
    const upstream = await startUpstream();
    const server = createTokenServer({
      baseUrl: upstream.url,
      ...credentials,
      channelId: 'web-1',
      publicOrigin: PUBLIC_ORIGIN,
      rateLimit: 2,
      trustProxy: 1,
      logger: pino({ level: 'silent' }),
    });
    const socketPath = join(mkdtempSync(join(tmpdir(), 'ctc-')), 'service.sock');
    await new Promise((resolve) => server.listen(socketPath, resolve));
    track({ close: () => new Promise((resolve) => server.close(resolve)) });
    const viaSocket = (address) =>
      new Promise((resolve, reject) =>
        httpRequest({ socketPath, path: `${MOUNT}/token`, method: 'POST', headers: { 'X-Forwarded-For': address, 'Content-Type': 'application/json', 'Content-Length': 2 } }, (res) => {
          res.resume();
          resolve(res.statusCode);
        })
          .on('error', reject)
          .end('{}'),
      );
    assert.deepEqual([await viaSocket('6.6.6.6'), await viaSocket('6.6.6.6'), await viaSocket('6.6.6.6')], [200, 200, 429]);
    assert.equal(await viaSocket('1.1.1.1'), 200, 'another visitor has its own bucket');
  });

  it('counts an IPv6 /48 spreading over more than 64 /64s in a minute as one visitor', async () => {
    const upstream = await startUpstream();
    const { call } = await startService(upstream, { rateLimitPoll: 1, trustProxy: 'loopback' });
    const poll = async (address) => (await call(`${MOUNT}/v1/unknown`, { headers: { 'X-Forwarded-For': address } })).status;
    const spread = await inBatches(Array.from({ length: 64 }, (_, i) => () => poll(`2001:db8:7:${i.toString(16)}::1`)));
    assert.ok(spread.every((status) => status === 404), 'the first 64 /64s, one visitor each');
    assert.equal(await poll('2001:db8:7:100::1'), 404, 'the 65th: the /48 as one visitor');
    assert.equal(await poll('2001:db8:7:101::1'), 429, 'the 66th shares its count');
    assert.equal(await poll('2001:db8:7:5::2'), 429, 'a /64 counted before keeps its own count');
    assert.equal(await poll('2001:db8:8::1'), 404, 'another /48 is not held back');
  });

  it('believes no X-Forwarded-For from a TCP peer already gone (a Unix-socket peer is a local proxy)', async () => {
    const { clientAddress } = await import('../../dist/server/rate-limit.js');
    const trustLoopback = (address) => address === '127.0.0.1';
    const request = (socket) => ({ headers: { 'x-forwarded-for': '203.0.113.77' }, socket });
    const gone = { remoteAddress: undefined, server: { address: () => ({ address: '0.0.0.0', port: 8787 }) } };
    const unix = { remoteAddress: undefined, server: { address: () => '/run/ctc.sock' } };
    assert.equal(clientAddress(request(gone), trustLoopback), undefined);
    assert.equal(clientAddress(request(unix), trustLoopback), '203.0.113.77');
  });

  it('bounds the visitors it counts, without freeing a limited one', async () => {
    const upstream = await startUpstream();
    const { call } = await startService(upstream, { rateLimitPoll: 2, trustProxy: 'loopback', maxTrackedVisitors: 50 });
    const poll = async (address) => (await call(`${MOUNT}/v1/unknown`, { headers: { 'X-Forwarded-For': address } })).status;
    assert.deepEqual([await poll('203.0.113.1'), await poll('203.0.113.1'), await poll('203.0.113.1')], [404, 404, 429]);
    const others = await inBatches(Array.from({ length: 49 }, (_, i) => () => poll(`10.0.0.${i + 1}`)));
    assert.ok(others.every((status) => status === 404));
    assert.equal(await poll('10.0.1.1'), 429, 'a 51st visitor waits for counts to expire');
    assert.equal(await poll('10.0.0.1'), 404, 'counted visitors go on');
    assert.equal(await poll('203.0.113.1'), 429, 'and the limited one stays limited');
  });

  it('keeps a limited visitor limited after 10,100 requests from other addresses', async () => {
    const upstream = await startUpstream();
    const { call } = await startService(upstream, { rateLimitPoll: 3, trustProxy: 'loopback' });
    const poll = (address) => call(`${MOUNT}/v1/unknown`, { headers: { 'X-Forwarded-For': address } });
    const limitedStatuses = [];
    for (let i = 0; i < 4; i++) limitedStatuses.push((await poll('203.0.113.50')).status);
    assert.deepEqual(limitedStatuses, [404, 404, 404, 429]);
    const others = Array.from({ length: 10_100 }, (_, i) => () => poll(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`));
    const answers = await inBatches(others, 100);
    assert.ok(answers.every((answer) => answer.status === 404));
    assert.equal((await poll('203.0.113.50')).status, 429);
  });
});

describe('5. upstream redirects are never followed', () => {
  /** A server on another origin that records whatever reaches it and would hand out a token. */
  async function elsewhere() {
    const received = [];
    const server = createServer((req, res) => {
      received.push(req.url);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"AccessToken":"stolen","Expires":"3600","token":"stolen","resultCode":"0"}');
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    track({ close: () => new Promise((resolve) => server.close(resolve)) });
    return { url: `http://127.0.0.1:${server.address().port}`, received };
  }
  const redirectOn = (upstream, path, target, status) =>
    upstream.misbehave((req, res) => {
      if (!req.url.startsWith(path)) return false;
      res.writeHead(status, { Location: `${target}${req.url}` }).end();
      return true;
    });

  for (const [what, path, status] of [
    ['tokenByAkSk', TOKEN_BY_AK_SK, 307],
    ['applyToken', `${MOUNT}/applyToken`, 302],
    ['a click-to-dial operation', `${MOUNT}/v1/getClickToCallEvents`, 308],
  ]) {
    it(`answers 502 when ${what} answers ${status}, and nothing reaches the other origin`, async () => {
      const upstream = await startUpstream();
      const other = await elsewhere();
      const { call, token } = await startService(upstream);
      const visitorToken = what === 'a click-to-dial operation' ? await token() : 'unused';
      redirectOn(upstream, path, other.url, status);
      const answer = what === 'a click-to-dial operation'
        ? await call(events, { headers: { 'ccmessaging-token': visitorToken } })
        : await call(`${MOUNT}/token`, post({}));
      assert.equal(answer.status, 502);
      assert.deepEqual(answer.json(), { error: 'upstream', message: 'CEC is unavailable' });
      assert.deepEqual(other.received, []);
      assert.ok(logged.some((line) => line.includes(`answered a redirect (HTTP ${status})`)));
    });
  }
});

describe('6. origins come from configuration only', () => {
  it('refuses an origin that names itself in Host or X-Forwarded-Host', async () => {
    const upstream = await startUpstream();
    const { port, call } = await startService(upstream);
    const viaHost = await rawRequest(
      port,
      `POST ${MOUNT}/token HTTP/1.1\r\nHost: evil.example\r\nOrigin: https://evil.example\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
    );
    assert.equal(viaHost.status, 403);
    assert.doesNotMatch(viaHost.head, /access-control-allow-origin/i);
    const viaForwardedHost = await call(`${MOUNT}/token`, post({}, { Origin: 'https://evil.example', 'X-Forwarded-Host': 'evil.example' }));
    assert.equal(viaForwardedHost.status, 403);
    const own = await call(`${MOUNT}/token`, post({}, { Origin: PUBLIC_ORIGIN }));
    assert.equal(own.status, 200);
    assert.equal(own.headers.get('access-control-allow-origin'), PUBLIC_ORIGIN);
    assert.equal(upstream.count(`${MOUNT}/applyToken`), 1);
  });

  for (const origin of ['*', 'https://shop.example/', 'shop.example', 'https://shop.example/path', 'HTTPS://Shop.Example', 'javascript:alert(1)']) {
    it(`stops start-up on the origin ${origin}, naming the setting`, () => {
      const options = { ...credentials, domain: 'cec.example', channelId: 'c' };
      assert.throws(() => createTokenService({ ...options, allowedOrigins: [origin] }), /allowedOrigins: .* is not an origin/);
      assert.throws(() => createTokenService({ ...options, publicOrigin: origin }), /publicOrigin: .* is not an origin/);
    });
  }
});

describe('7. connections and upstream answers are bounded', () => {
  it('caps an upstream answer at 64 kB: a 300 MB answer is a 502 and is not read', async () => {
    const upstream = await startUpstream();
    let sent = 0;
    upstream.misbehave((req, res) => {
      if (!req.url.startsWith(TOKEN_BY_AK_SK)) return false;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (sent < 300 * 2 ** 20 && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return res.once('drain', pump);
        }
        res.end();
      };
      pump();
      return true;
    });
    const { call } = await startService(upstream);
    const answer = await call(`${MOUNT}/token`, post({}));
    assert.equal(answer.status, 502);
    assert.ok(sent < 32 * 2 ** 20, `${(sent / 2 ** 20).toFixed(0)} MB were sent before the service hung up`);
  });

  it('answers 502 JSON, never CEC\'s HTML, when CEC answers something that is not JSON', async () => {
    const upstream = await startUpstream();
    const { call, token } = await startService(upstream);
    const visitorToken = await token();
    upstream.misbehave((req, res) => {
      if (!req.url.includes('getClickToCallEvents')) return false;
      res.writeHead(500, { 'Content-Type': 'application/json' }).end('<html><script>alert(1)</script></html>');
      return true;
    });
    const answer = await call(events, { headers: { 'ccmessaging-token': visitorToken } });
    assert.equal(answer.status, 502);
    assert.deepEqual(answer.json(), { error: 'upstream', message: 'CEC is unavailable' });
    assert.equal(answer.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(answer.headers.get('cache-control'), 'no-store');
  });

  it('answers 504 when CEC stops in the middle of its answer', async () => {
    const upstream = await startUpstream();
    upstream.misbehave((req, res) => {
      if (!req.url.startsWith(TOKEN_BY_AK_SK)) return false;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"AccessToken":'); // and nothing more
      return true;
    });
    const { call } = await startService(upstream, { upstreamTimeout: 300 });
    const answer = await call(`${MOUNT}/token`, post({}));
    assert.equal(answer.status, 504);
    assert.deepEqual(answer.json(), { error: 'upstream-timeout', message: 'CEC did not answer in time' });
  });

  it('puts nosniff and no-store on every answer', async () => {
    const upstream = await startUpstream();
    const { port, call } = await startService(upstream, { rateLimit: 1 });
    const answers = [
      await call(`${MOUNT}/token`, post({})),
      await call(`${MOUNT}/token`, post({})),
      await call(`${MOUNT}/nothing`),
      await call('/elsewhere'),
      await call(`${MOUNT}/v1/getClickToCallEvents`, { headers: { 'ccmessaging-token': 't' } }),
      await call(`${MOUNT}/v1/dropClickToCall`, post({ channel: 'WEB' }, { Origin: 'https://evil.example', 'ccmessaging-token': 't' })),
    ];
    assert.deepEqual(answers.map((answer) => answer.status), [200, 429, 404, 404, 400, 403]);
    for (const answer of answers) {
      assert.equal(answer.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(answer.headers.get('cache-control'), 'no-store');
    }
    const unparsable = await rawRequest(port, 'GET /\x7f HTTP/1.1\r\n\r\n');
    assert.equal(unparsable.status, 400);
    assert.match(unparsable.head, /x-content-type-options: nosniff/i);
  });

  it('refuses a client\'s connections past 256 open ones (here 5), and not a trusted proxy\'s; 4096 in all', async () => {
    const upstream = await startUpstream();
    for (const [options, expected] of [[{ maxConnectionsPerClient: 5 }, 429], [{ maxConnectionsPerClient: 5, trustProxy: 'loopback' }, 404]]) {
      const { port } = await startService(upstream, options);
      const held = await Promise.all(Array.from({ length: 5 }, () => new Promise((resolve) => { const socket = connect(port, '127.0.0.1', () => resolve(socket)); })));
      const sixth = await rawRequest(port, `GET ${MOUNT}/nothing HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`);
      assert.equal(sixth.status, expected, JSON.stringify(options));
      held[0].destroy();
      await sleep(50);
      if (expected === 429) assert.equal((await rawRequest(port, `GET ${MOUNT}/nothing HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`)).status, 404, 'a freed place is usable');
      for (const socket of held) socket.destroy();
    }
    const defaults = createTokenServer({ ...credentials, domain: 'cec.example', channelId: 'c', publicOrigin: PUBLIC_ORIGIN });
    assert.equal(defaults.listenerCount('connection'), 2, 'the limit is on by default (beside Node\'s own listener)');
    assert.equal(defaults.maxConnections, 4096, 'and a limit in all');
  });

  it('logs at most 20 refusals per 10 s one by one, and no rate-limited request, so a flood is not a flood of lines', async () => {
    const upstream = await startUpstream();
    const lines = [];
    const { call } = await startService(upstream, { rateLimit: 1, logger: collectingLogger(lines) });
    const statuses = [];
    for (let i = 0; i < 30; i++) statuses.push((await call(`${MOUNT}/token`, post({}))).status);
    for (let i = 0; i < 30; i++) statuses.push((await call(`${MOUNT}/nothing`)).status);
    assert.equal(statuses.filter((status) => status === 429).length, 29);
    assert.equal(statuses.filter((status) => status === 404).length, 30);
    assert.equal(lines.filter((line) => / 429 /.test(line)).length, 0);
    assert.equal(lines.filter((line) => / 404 /.test(line)).length, 20);
  });

  it('closes a connection whose headers are too slow (10 s by default)', async () => {
    const upstream = await startUpstream();
    const { port } = await startService(upstream, { headersTimeout: 500, requestTimeout: 1000 });
    let drip;
    const answer = await rawRequest(port, `POST ${MOUNT}/token HTTP/1.1\r\n`, {
      waitMs: 5000,
      then: (socket) => (drip = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 100)),
    });
    clearInterval(drip);
    assert.equal(answer.closed, true);
    assert.equal(answer.status, 408);
    assert.ok(answer.afterMs < 3000, `closed after ${answer.afterMs} ms`);
    const defaults = createTokenServer({ ...credentials, domain: 'cec.example', channelId: 'c', publicOrigin: PUBLIC_ORIGIN });
    assert.equal(defaults.headersTimeout, 10_000);
    assert.equal(defaults.requestTimeout, 30_000);
  });

  it('answers 408 and closes the connection when a body is too slow (30 s by default)', async () => {
    const upstream = await startUpstream();
    const { port } = await startService(upstream, { headersTimeout: 500, requestTimeout: 1000 });
    const answer = await rawRequest(port, `POST ${MOUNT}/token HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n{"a":`, { waitMs: 5000 });
    assert.equal(answer.status, 408);
    assert.equal(answer.closed, true);
    assertRefusal(answer.body, 'slow body');
    assert.equal(upstream.count(`${MOUNT}/applyToken`), 0);
  });

  it('answers 413 and closes the connection without reading the rest of a 200 MB body', async () => {
    const upstream = await startUpstream();
    const { port } = await startService(upstream);
    let written = 0;
    const answer = await rawRequest(port, `POST ${MOUNT}/token HTTP/1.1\r\nHost: a\r\nContent-Length: 200000000\r\n\r\n`, {
      waitMs: 10_000,
      then: (socket) => {
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const pump = () => {
          while (!socket.destroyed && written < 200_000_000) {
            written += chunk.length;
            if (!socket.write(chunk)) return socket.once('drain', pump);
          }
        };
        pump();
      },
    });
    assert.equal(answer.status, 413);
    assert.equal(answer.closed, true);
    assert.ok(written < 32 * 2 ** 20, `${(written / 2 ** 20).toFixed(0)} MB were accepted`);
  });

  it('backs off tokenByAkSk failures for every waiter alike: 1 s, then 2 s…', async () => {
    const upstream = await startUpstream();
    upstream.misbehave((req, res) => {
      if (!req.url.startsWith(TOKEN_BY_AK_SK)) return false;
      res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"errorCode":"APIGW.0500"}');
      return true;
    });
    const { call } = await startService(upstream, { rateLimit: 1000 });
    const burst = async () => (await Promise.all(Array.from({ length: 20 }, () => call(`${MOUNT}/token`, post({}))))).map((a) => a.status);
    const refused = (statuses) => statuses.every((status) => status === 502 || status === 503);
    assert.ok(refused(await burst()));
    assert.equal(upstream.count(TOKEN_BY_AK_SK), 1, 'one attempt for 20 waiters');
    const waiting = await call(`${MOUNT}/token`, post({}));
    assert.equal(waiting.status, 503);
    assert.equal(waiting.headers.get('retry-after'), '1');
    assert.deepEqual(waiting.json(), { error: 'unavailable', message: 'CEC is unavailable' });
    assert.equal(upstream.count(TOKEN_BY_AK_SK), 1, 'none while backing off');
    await sleep(1100);
    assert.ok(refused(await burst()));
    assert.equal(upstream.count(TOKEN_BY_AK_SK), 2);
    await sleep(1100);
    assert.ok(refused(await burst()));
    assert.equal(upstream.count(TOKEN_BY_AK_SK), 2, 'the second wait is 2 s');
    upstream.misbehave(undefined);
    await sleep(1000);
    assert.deepEqual(new Set(await burst()), new Set([200]), 'CEC back: tokens again');
    assert.equal(upstream.count(TOKEN_BY_AK_SK), 3);
  });

  for (const [what, answer] of [
    ['an empty AccessToken', { AccessToken: '', Expires: '3600' }],
    ['no AccessToken', { Expires: '3600' }],
    ['Expires 0', { AccessToken: 'sim-access-zero', Expires: '0' }],
    ['Expires -5', { AccessToken: 'sim-access-negative', Expires: '-5' }],
  ]) {
    it(`treats ${what} as a failure, never cached`, async () => {
      const upstream = await startUpstream();
      upstream.misbehave((req, res) => {
        if (!req.url.startsWith(TOKEN_BY_AK_SK)) return false;
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer));
        return true;
      });
      const { call } = await startService(upstream);
      assert.equal((await call(`${MOUNT}/token`, post({}))).status, 502);
      assert.equal(upstream.count(`${MOUNT}/applyToken`), 0, 'nothing was sent with it');
      await sleep(1100);
      assert.equal((await call(`${MOUNT}/token`, post({}))).status, 502);
      assert.equal(upstream.count(TOKEN_BY_AK_SK), 2, 'asked again: it was not cached');
    });
  }

  it('tells the visitor "CEC is unavailable" and only the log to check the app key and secret', async () => {
    const upstream = await startUpstream();
    const { call } = await startService(upstream, { appSecret: 'a-wrong-secret' });
    const answer = await call(`${MOUNT}/token`, post({}));
    assert.equal(answer.status, 502);
    assert.deepEqual(answer.json(), { error: 'upstream', message: 'CEC is unavailable' });
    assert.ok(logged.some((line) => line.includes('tokenByAkSk: CEC refused it (HTTP 403): check the app key and secret')));
    assert.ok(!logged.join('\n').includes('a-wrong-secret'));
  });
});

describe('8. the CLI fails fast and clearly, and visitor ids are signed', () => {
  const run = (env) =>
    spawnSync(process.execPath, ['dist/server/cli.js'], {
      env: { PATH: process.env.PATH, CEC_DOMAIN: 'cec.example', CEC_APP_KEY: 'k', CEC_APP_SECRET: 's', CEC_CHANNEL_ID: 'c', PUBLIC_ORIGIN, PORT: '0', ...env },
      encoding: 'utf8',
      timeout: 10_000,
    });
  const refusals = [
    [{ ALLOWED_ORIGINS: '*' }, /^click-to-call server: ALLOWED_ORIGINS: "\*" is not an origin/],
    [{ ALLOWED_ORIGINS: 'https://partner.example/' }, /^click-to-call server: ALLOWED_ORIGINS: .* \(write https:\/\/partner\.example\)/],
    [{ ALLOWED_ORIGINS: 'partner.example' }, /^click-to-call server: ALLOWED_ORIGINS: "partner\.example" is not an origin/],
    [{ PUBLIC_ORIGIN: 'https://shop.example/shop' }, /^click-to-call server: PUBLIC_ORIGIN: /],
    [{ PUBLIC_ORIGIN: '' }, /^click-to-call server: set PUBLIC_ORIGIN .* or ALLOWED_ORIGINS/],
    [{ RATE_LIMIT: '0.5' }, /^click-to-call server: RATE_LIMIT must be a whole number/],
    [{ RATE_LIMIT: 'lots' }, /^click-to-call server: RATE_LIMIT must be a whole number/],
    [{ RATE_LIMIT_POLL: '-3' }, /^click-to-call server: RATE_LIMIT_POLL must be a whole number/],
    [{ RATE_LIMIT_MESSAGE: '0' }, /^click-to-call server: RATE_LIMIT_MESSAGE must be a whole number/],
    [{ TRUST_PROXY: 'true' }, /^click-to-call server: TRUST_PROXY=true would believe any client/],
    [{ TRUST_PROXY: '10.0.0.300' }, /^click-to-call server: TRUST_PROXY: /],
    [{ VISITOR_COOKIE_KEY: 'short' }, /^click-to-call server: VISITOR_COOKIE_KEY must be at least 32 characters/],
    [{ PORT: '99999' }, /^click-to-call server: PORT must be a port number/],
    [{ CEC_BASE_URL: 'https://admin:hunter2@[cec' }, /^click-to-call server: CEC_BASE_URL is not a URL\n$/],
    [{ CEC_DOMAIN: 'https://cec.example/' }, /^click-to-call server: CEC_DOMAIN is not a host name/],
    [{ CEC_BASE_URL: 'https://cec.example/steal?' }, /^click-to-call server: CEC_BASE_URL must be an origin, without path/],
    [{ CEC_BASE_URL: 'https://cec.example/#' }, /^click-to-call server: CEC_BASE_URL must be an origin, without path/],
    [{ RATE_LIMIT: '0x14' }, /^click-to-call server: RATE_LIMIT must be a whole number/],
    [{ TRUST_PROXY: '99999' }, /^click-to-call server: TRUST_PROXY must be false, a hop count from 0 to 10, or addresses/],
    [{ TRUST_PROXY: '0.0.0.0/1,128.0.0.0/1' }, /^click-to-call server: TRUST_PROXY: 0\.0\.0\.0\/1 would trust a large part of the internet/],
    [{ TRUST_PROXY: '::/0' }, /^click-to-call server: TRUST_PROXY: ::\/0 would trust a large part of the internet/],
    [{ TRUST_PROXY: '::ffff:0:0/96' }, /^click-to-call server: TRUST_PROXY: ::ffff:0:0\/96 would trust a large part of the internet/],
    [{ TRUST_PROXY: '0.0.0.0/128.0.0.0' }, /^click-to-call server: TRUST_PROXY: 0\.0\.0\.0\/128\.0\.0\.0 would trust a large part/],
  ];
  for (const [env, message] of refusals) {
    it(`stops with one line and exit 1 on ${JSON.stringify(env)}`, () => {
      const cli = run(env);
      assert.equal(cli.status, 1);
      assert.match(cli.stderr, message);
      assert.equal(cli.stderr.trim().split('\n').length, 1, cli.stderr);
      assert.ok(!cli.stderr.includes('hunter2'), 'a URL is never echoed');
    });
  }

  it('stops with one line and exit 1 when the port is in use', async () => {
    const upstream = await startUpstream();
    const first = await startCli(cliEnv(upstream));
    const second = await startCli(cliEnv(upstream, { PORT: String(first.port) }));
    assert.equal(second.code, 1);
    assert.equal(second.stderr, `click-to-call server: 127.0.0.1:${first.port} is already in use (set PORT or HOST)\n`);
  });

  it('warns when it trusts X-Forwarded-For while listening beyond loopback', async () => {
    const upstream = await startUpstream();
    const exposed = await startCli(cliEnv(upstream, { HOST: '0.0.0.0', TRUST_PROXY: '1' }));
    await sleep(100);
    assert.match(exposed.output(), /TRUST_PROXY is set and HOST=0\.0\.0\.0: make sure only your proxy can reach this port/);
  });

  it('replaces an unsigned or forged visitor cookie with a fresh id, and keeps a signed one across instances', async () => {
    const upstream = await startUpstream();
    const key = 'k'.repeat(40);
    const one = await startCli(cliEnv(upstream, { VISITOR_COOKIE_KEY: key }));
    const two = await startCli(cliEnv(upstream, { VISITOR_COOKIE_KEY: key }));
    const other = await startCli(cliEnv(upstream, { VISITOR_COOKIE_KEY: 'o'.repeat(40) }));
    const chosen = 'a'.repeat(32);
    const tokenWith = async (service, cookie) => {
      const answer = await service.call(`${MOUNT}/token`, post({}, cookie ? { Cookie: cookie } : {}));
      assert.equal(answer.status, 200);
      const userId = JSON.parse(upstream.received.at(-1).body).userId;
      return { userId, setCookie: answer.headers.get('set-cookie')?.split(';')[0] };
    };
    for (const forged of [`__Host-ctc_visitor=${chosen}`, `__Host-ctc_visitor=${chosen}.${'A'.repeat(43)}`]) {
      const { userId, setCookie } = await tokenWith(one, forged);
      assert.notEqual(userId, chosen, forged);
      assert.match(setCookie, /^__Host-ctc_visitor=[a-f0-9]{24}\.[\w-]{43}$/);
    }
    const { userId, setCookie } = await tokenWith(one);
    assert.deepEqual(await tokenWith(two, setCookie), { userId, setCookie: undefined }, 'the same key: the same visitor');
    assert.notEqual((await tokenWith(other, setCookie)).userId, userId, 'another key: a fresh id');
  });
});

describe("9. CEC's answers reach the browser rebuilt from the fields CEC documents", () => {
  const requests = {
    checkClickToCallSupport: [`${MOUNT}/v1/checkClickToCallSupport?channel=WEB`, {}],
    createClickToCall: [`${MOUNT}/v1/createClickToCall`, post({ channel: 'WEB', mediaAbility: '0' })],
    getClickToCallEvents: [events, {}],
    dropClickToCall: [`${MOUNT}/v1/dropClickToCall`, post({ channel: 'WEB' })],
    doLeaveMessage: [`${MOUNT}/doLeaveMessage`, post({ channel: 'WEB', caller: 'ana@example.com', leaveMessage: 'Hi' })],
    getsatisfactionsurveymode: [`${MOUNT}/getsatisfactionsurveymode`, post({ channel: 'WEB' })],
    saveSatisfaction: [`${MOUNT}/saveSatisfaction`, post({ channel: 'WEB', evaluation: '5' })],
  };
  const operations = Object.keys(requests);

  /**
   * `operation` from a visitor of a fresh service whose CEC answers it `status` and `body` (JSON text, an object,
   * or a function of CEC's request giving either): the answer, and the request's log line.
   */
  async function answerOf(operation, status, body) {
    const upstream = await startUpstream();
    const lines = [];
    const { call } = await startService(upstream, { logger: collectingLogger(lines) });
    const grant = await call(`${MOUNT}/token`, post({}, { Origin: PUBLIC_ORIGIN }));
    const headers = { Origin: PUBLIC_ORIGIN, Cookie: grant.headers.get('set-cookie').split(';')[0], 'ccmessaging-token': grant.json().token };
    upstream.misbehave((req, res) => {
      if (req.url.split('?')[0].split('/').pop() !== operation) return false;
      const given = typeof body === 'function' ? body(req) : body;
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(typeof given === 'string' ? given : JSON.stringify(given));
      return true;
    });
    const [path, init] = requests[operation];
    const answer = await call(path, { ...init, headers: { ...init.headers, ...headers } });
    assert.equal(upstream.count(path.split('?')[0]), 1, `${operation} reached CEC`);
    const line = lines.find((entry) => entry.includes(`"requestId":"${answer.headers.get('x-request-id')}"`));
    return { answer, line, lines };
  }

  const common = { resultCode: '0', resultDesc: 'ok', 'resultDesc:': null, returnCode: 0, errorCode: 'E.1', exceptionInfo: 'x'.repeat(512) };
  const noisy = {
    ...common,
    exceptionInfo: 'x'.repeat(3000),
    token: 'sim-1-leaked',
    html: '<script>alert(1)</script>',
    debug: { stack: 'at Object.<anonymous> (/srv/cec/Handler.java:42)' },
    resultData: { callSerialNo: 1 },
    userId: 'someone',
  };
  for (const operation of operations) {
    it(`passes on ${operation}'s documented fields only, as plain values, strings capped at 512`, async () => {
      const { answer } = await answerOf(operation, 200, { ...noisy, extra: [1, 2] });
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.json(), common);
      const { answer: typed } = await answerOf(operation, 200, `{"resultCode":true,"resultDesc":{"a":1},"errorCode":["E"],"returnCode":1.5,"exceptionInfo":"${'a'.repeat(511)}😀","__proto__":{"polluted":1}}`);
      assert.deepEqual(typed.json(), { returnCode: 1.5, exceptionInfo: 'a'.repeat(511) }, 'no half of a surrogate pair either');
    });
  }

  it("passes on getClickToCallEvents' eventId and the gateway's six fields, gwAddresses as strings and arrays (3 deep, 16 each)", async () => {
    const content = {
      domain: 'gw.example',
      gwAddresses: ['wss://a.example:1', ['wss://b.example:2', ['wss://c.example:3', ['wss://too-deep.example:4']], 5, null, { x: 1 }]],
      accessCode: '1010',
      clickToCallCaller: 'visitor-1',
      causeId: 0,
      causeDesc: null,
      sipPassword: 'hunter2',
      nested: { a: 1 },
    };
    const { answer } = await answerOf('getClickToCallEvents', 200, { resultCode: '0', resultDesc: 'Call connected', eventId: 168101, content, agentName: 'Bob' });
    assert.deepEqual(answer.json(), {
      resultCode: '0',
      resultDesc: 'Call connected',
      eventId: 168101,
      content: {
        domain: 'gw.example',
        accessCode: '1010',
        clickToCallCaller: 'visitor-1',
        causeId: 0,
        causeDesc: null,
        gwAddresses: ['wss://a.example:1', ['wss://b.example:2', ['wss://c.example:3']]],
      },
    });
    const many = Array.from({ length: 40 }, (_, i) => `wss://gw${i}.example:443`);
    const { answer: listed } = await answerOf('getClickToCallEvents', 200, { resultCode: '0', eventId: '168101', content: { gwAddresses: many } });
    assert.deepEqual(listed.json(), { resultCode: '0', eventId: '168101', content: { gwAddresses: many.slice(0, 16) } });
    const { answer: joined } = await answerOf('getClickToCallEvents', 200, { resultCode: '0', eventId: { id: 1 }, content: { gwAddresses: 'wss://a:1,wss://b:2', domain: ['x'] } });
    assert.deepEqual(joined.json(), { resultCode: '0', content: { gwAddresses: 'wss://a:1,wss://b:2' } });
    const { answer: flat } = await answerOf('getClickToCallEvents', 200, { resultCode: '0', content: 'wss://a:1' });
    assert.deepEqual(flat.json(), { resultCode: '0' });
  });

  it("passes on checkClickToCallSupport's two flags, and the survey mode's type and levels (20 at most) in either shape", async () => {
    const { answer: support } = await answerOf('checkClickToCallSupport', 200, { resultCode: '0', webRTCSupported: true, clickToCallSupported: 'true', sipSupported: true, extra: { a: 1 } });
    assert.deepEqual(support.json(), { resultCode: '0', webRTCSupported: true, clickToCallSupported: 'true' });
    const { answer: objects } = await answerOf('checkClickToCallSupport', 200, { resultCode: '0', webRTCSupported: {}, clickToCallSupported: [true] });
    assert.deepEqual(objects.json(), { resultCode: '0' });

    const levels = Array.from({ length: 25 }, (_, i) => ({ satisfactionLevelKey: String(i + 1), satisfactionLevelDesc: `Level ${i + 1}`, icon: '<img src=x onerror=alert(1)>' }));
    const kept = levels.slice(0, 20).map(({ satisfactionLevelKey, satisfactionLevelDesc }) => ({ satisfactionLevelKey, satisfactionLevelDesc }));
    const survey = { surveyType: 'WEB', satisfactionLevel: ['bad', null, ...levels], channelConfigId: 'x' };
    const { answer: nested } = await answerOf('getsatisfactionsurveymode', 200, { resultCode: '0', resultDesc: 'ok', satisfactionSurvey: survey, tenant: 't' });
    assert.deepEqual(nested.json(), { resultCode: '0', resultDesc: 'ok', satisfactionSurvey: { surveyType: 'WEB', satisfactionLevel: kept } });
    const { answer: flat } = await answerOf('getsatisfactionsurveymode', 200, { resultCode: '0', ...survey, satisfactionSurvey: 'WEB' });
    assert.deepEqual(flat.json(), { resultCode: '0', surveyType: 'WEB', satisfactionLevel: kept });
    const { answer: odd } = await answerOf('getsatisfactionsurveymode', 200, { resultCode: '0', surveyType: 1, satisfactionLevel: [{ satisfactionLevelKey: 5, satisfactionLevelDesc: { html: 1 } }, { other: 1 }] });
    assert.deepEqual(odd.json(), { resultCode: '0', surveyType: 1, satisfactionLevel: [{ satisfactionLevelKey: 5 }] });
  });

  it("keeps CEC's status and the 403's \"timed out\" text, and logs CEC's status and errorCode", async () => {
    const body = { errorCode: 'APIGW.0308', exceptionInfo: 'click-to-dial request timed out', stack: 'java.lang.IllegalStateException' };
    const { answer, line } = await answerOf('createClickToCall', 403, body);
    assert.equal(answer.status, 403);
    assert.deepEqual(answer.json(), { errorCode: 'APIGW.0308', exceptionInfo: 'click-to-dial request timed out' });
    assert.equal(JSON.parse(line.slice(line.indexOf('{'))).detail, 'createClickToCall: CEC answered HTTP 403, errorCode "APIGW.0308"');
    const { answer: failed, line: failedLine } = await answerOf('doLeaveMessage', 500, { errorCode: 'E\n500\u202e', exceptionInfo: 'internal error' });
    assert.equal(failed.status, 500);
    assert.deepEqual(failed.json(), { errorCode: 'E\n500\u202e', exceptionInfo: 'internal error' });
    assert.ok(failedLine.startsWith('error'));
    assert.equal(JSON.parse(failedLine.slice(failedLine.indexOf('{'))).detail, 'doLeaveMessage: CEC answered HTTP 500, errorCode "E?500?"');
    const { line: quiet } = await answerOf('dropClickToCall', 200, { resultCode: '13', resultDesc: 'disconnect failed' });
    assert.equal(JSON.parse(quiet.slice(quiet.indexOf('{'))).detail, undefined, 'a 2xx has no detail');
  });

  /** What CEC might echo: [what, the text, given CEC's request]. */
  const credentialsEchoed = [
    ['the app key', () => credentials.appKey],
    ['the app secret', () => credentials.appSecret],
    ['the AccessToken', (req) => req.headers.authorization.replace(/^Bearer /, '')],
  ];
  for (const [i, operation] of operations.entries()) {
    it(`answers its own 502 when CEC's answer to ${operation} holds a credential, and logs an error, never the body`, async () => {
      const shapes = [
        (secret) => `{"resultCode":"0","resultDesc":${JSON.stringify(secret)}}`,
        (secret) => `{"resultCode":"0","debug":{"request":"x-app-key: ${secret}"}}`,
        // Escaped, as some JSON writers do: it is the same text once parsed.
        (secret) => `{"exceptionInfo":"${[...secret].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"}`,
      ];
      for (const [what, secretOf] of credentialsEchoed) {
        const shape = shapes[(i + credentialsEchoed.findIndex(([name]) => name === what)) % shapes.length];
        let secret;
        const { answer, line } = await answerOf(operation, what === 'the AccessToken' ? 401 : 200, (req) => shape((secret = secretOf(req))));
        assert.equal(answer.status, 502, what);
        assert.deepEqual(answer.json(), { error: 'upstream', message: 'CEC is unavailable' });
        assert.ok(!answer.text.includes(secret));
        assert.ok(line.startsWith('error'), line);
        assert.match(JSON.parse(line.slice(line.indexOf('{'))).detail, new RegExp(`^${operation}: CEC echoed a credential`));
        assert.ok(!line.includes(secret), 'the log never holds the body');
      }
    });
  }
});

describe('10. a request path is taken only in its normal form', () => {
  const targets = [
    `${MOUNT}/doLeaveMessage\\..\\token`,
    `${MOUNT}\\token`,
    `${MOUNT}/doLeaveMessage/../token`,
    `${MOUNT}/doLeaveMessage/%2e%2e/token`,
    `${MOUNT}/saveSatisfaction/%2E%2e/token?x=1`,
    `${MOUNT}/./token`,
    `${MOUNT}/v1/%2e/../token`,
    `/elsewhere/..${MOUNT}/token`,
    `${MOUNT}/../../etc/passwd`,
  ];
  for (const target of targets) {
    it(`answers 400 to POST ${target}, and issues no token`, async () => {
      const upstream = await startUpstream();
      const { port } = await startService(upstream);
      const answer = await rawRequest(port, `POST ${target} HTTP/1.1\r\nHost: a\r\nOrigin: ${PUBLIC_ORIGIN}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      assert.equal(answer.status, 400, answer.raw);
      assert.deepEqual(JSON.parse(answer.body), { error: 'bad-request', message: 'the request path is not in its normal form' });
      assert.equal(upstream.count(`${MOUNT}/applyToken`), 0);
    });
  }

  it('takes the same paths in their normal form, and hands on what is not its own untouched (with next)', async () => {
    const upstream = await startUpstream();
    const { port } = await startService(upstream);
    const answer = await rawRequest(port, `POST ${MOUNT}/token?x=%2e%2e HTTP/1.1\r\nHost: a\r\nOrigin: ${PUBLIC_ORIGIN}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    assert.equal(answer.status, 200);
    const service = createTokenService({ baseUrl: upstream.url, ...credentials, channelId: 'web-1', publicOrigin: PUBLIC_ORIGIN, logger: pino({ level: 'silent' }) });
    const site = createServer((req, res) => service(req, res, () => res.writeHead(418).end(req.url)));
    await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve));
    track({ close: () => new Promise((resolve) => site.close(resolve)) });
    const elsewhere = await rawRequest(site.address().port, `GET /shop/../cart HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`);
    assert.equal(elsewhere.status, 418);
    assert.equal(elsewhere.body, '/shop/../cart');
  });
});

describe('11. a body is JSON in UTF-8, sent as application/json', () => {
  it('answers 415 to a /token body sent as anything else, and issues no token', async () => {
    const upstream = await startUpstream();
    const { call } = await startService(upstream, { rateLimit: 100 });
    const types = ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/json-patch+json', 'json', undefined];
    for (const type of types) {
      // A Buffer: fetch adds no Content-Type of its own (a string would be text/plain).
      const answer = await call(`${MOUNT}/token`, { method: 'POST', headers: { Origin: PUBLIC_ORIGIN, ...(type && { 'Content-Type': type }) }, body: Buffer.from('{}') });
      assert.equal(answer.status, 415, String(type));
      assert.deepEqual(answer.json(), { error: 'unsupported-media-type', message: 'the body must be sent as Content-Type: application/json' });
    }
    assert.equal(upstream.count(`${MOUNT}/applyToken`), 0);
  });

  it('takes /token posted without a body whatever its type, and application/json in any case, with charset utf-8', async () => {
    const upstream = await startUpstream();
    const { call } = await startService(upstream, { rateLimit: 100 });
    assert.equal((await call(`${MOUNT}/token`, { method: 'POST', headers: { Origin: PUBLIC_ORIGIN } })).status, 200, 'no body, no type');
    assert.equal((await call(`${MOUNT}/token`, { method: 'POST', headers: { Origin: PUBLIC_ORIGIN, 'Content-Type': 'text/plain' } })).status, 200, 'no body');
    for (const type of ['application/json', 'APPLICATION/JSON;CHARSET=UTF-8', 'application/json; charset="utf-8"']) {
      assert.equal((await call(`${MOUNT}/token`, post({}, { Origin: PUBLIC_ORIGIN, 'Content-Type': type }))).status, 200, type);
    }
  });

  it('answers 400 to a /token body that is not UTF-8', async () => {
    const upstream = await startUpstream();
    const { call } = await startService(upstream);
    for (const bytes of [[0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d], [0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x3a, 0x31, 0x7d]]) {
      const answer = await call(`${MOUNT}/token`, { method: 'POST', headers: { Origin: PUBLIC_ORIGIN, 'Content-Type': 'application/json' }, body: Buffer.from(bytes) });
      assert.equal(answer.status, 400);
      assert.deepEqual(answer.json(), { error: 'bad-request', message: 'the body must be UTF-8' });
    }
    assert.equal(upstream.count(`${MOUNT}/applyToken`), 0);
  });
});
