// The three CEC operations around a call the token service forwards — doLeaveMessage, getsatisfactionsurveymode,
// saveSatisfaction (served at <mount>/<op>, without CEC's v1/) — over real HTTP against the simulated CEC, which
// records every request it receives: what CEC is sent, field by field, and what a hostile browser cannot send.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import * as harness from './harness.js';
import { advanceClock, closeAll, collectingLogger, inBatches, MOUNT, post, PUBLIC_ORIGIN, track } from './harness.js';
import { loadMocks, serveSimulatedUpstream } from '../../mocks/serve.js';

const mocks = await loadMocks();
const credentials = mocks.upstreamCredentials;
const COOKIE_KEY = 'k'.repeat(40);
/** Every service here signs cookies with one key, so that one visitor's cookie is good for all of them. */
const startService = (upstream, options) => harness.startService(upstream, credentials, { visitorCookieKey: COOKIE_KEY, ...options });
const startUpstream = async (...args) => track(await serveSimulatedUpstream(mocks, ...args));
after(closeAll);

const LEAVE = `${MOUNT}/doLeaveMessage`;
const SURVEY = `${MOUNT}/getsatisfactionsurveymode`;
const SAVE = `${MOUNT}/saveSatisfaction`;
const COOKIE = '__Host-ctc_visitor';
/** A signed anonymous cookie for `id`, as the service writes it. */
const signedCookie = (id) => `${COOKIE}=${id}.${createHmac('sha256', COOKIE_KEY).update(id).digest('base64url')}`;

/** What CEC received at `path`, in order. */
const receivedAt = (upstream, path) => upstream.received.filter((request) => request.url === path);

/** A visitor as the element is one: the cookie /token set (or `cookie`), their id, and the headers it sends. */
async function visitorOf(service, cookie) {
  const grant = await service.call(`${MOUNT}/token`, post({}, { Origin: PUBLIC_ORIGIN, ...(cookie && { Cookie: cookie }) }));
  assert.equal(grant.status, 200, grant.text);
  cookie ??= grant.headers.get('set-cookie').split(';')[0];
  const id = cookie.slice(`${COOKIE}=`.length).split('.')[0];
  return { id, cookie, headers: { Origin: PUBLIC_ORIGIN, Cookie: cookie, 'ccmessaging-token': grant.json().token } };
}

/** The log line of the request `answer` answered (found by its X-Request-Id), parsed. */
function logLineOf(lines, answer) {
  const id = answer.headers.get('x-request-id');
  const line = lines.find((entry) => entry.includes(`"requestId":"${id}"`));
  assert.ok(line, `a log line for request ${id}`);
  return JSON.parse(line.slice(line.indexOf('{')));
}

/** The gateway credentials and the visitor's token, as every forwarded operation carries them. */
function assertGatewayHeaders(request, visitorToken) {
  assert.equal(request.method, 'POST');
  assert.equal(request.headers['x-app-key'], credentials.appKey);
  assert.match(request.headers.authorization, /^Bearer sim-access-\d+-/);
  assert.equal(request.headers['ccmessaging-token'], visitorToken);
  assert.equal(request.headers['content-type'], 'application/json');
  assert.equal(request.headers.cookie, undefined, 'the visitor\'s cookie stays with the service');
}

let upstream;
let service;
let visitor;
before(async () => {
  upstream = await startUpstream();
  service = await startService(upstream, { rateLimit: 1000, rateLimitMessage: 1000 });
  visitor = await visitorOf(service);
});

describe('doLeaveMessage', () => {
  it('sends CEC exactly {callId, caller, leaveMessage, channel}: callId is the visitor\'s id, never the browser\'s', async () => {
    const message = 'Please call me back.\r\nAfter 5 pm,\tthanks';
    const answer = await service.call(
      LEAVE,
      post({ extra: 'x', channel: 'WEB', userId: 'someone-else', leaveMessage: message, callId: 'chosen-by-browser', caller: '  +1 555 0100 ', channelConfigId: 'other' }, visitor.headers),
    );
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(answer.json(), { resultCode: '0', resultDesc: 'Save leaveMessage success!' });
    const [sent] = receivedAt(upstream, LEAVE);
    assert.match(visitor.id, /^[a-f0-9]{24}$/);
    assert.equal(sent.body, JSON.stringify({ callId: visitor.id, caller: '+1 555 0100', leaveMessage: message, channel: 'WEB' }));
    assertGatewayHeaders(sent, visitor.headers['ccmessaging-token']);
  });

  it('takes a caller of 128 characters and a message of 500 UTF-16 units (a textarea\'s maxlength), trimming only the caller', async () => {
    const caller = `${'c'.repeat(122)}@x.com`;
    for (const leaveMessage of ['m'.repeat(500), '😀'.repeat(250), ` ${'m'.repeat(498)} `]) {
      const answer = await service.call(LEAVE, post({ channel: 'WEB', caller: ` ${caller}\t`, leaveMessage }, visitor.headers));
      assert.equal(answer.status, 200, answer.text);
      assert.deepEqual(JSON.parse(receivedAt(upstream, LEAVE).at(-1).body), { callId: visitor.id, caller, leaveMessage, channel: 'WEB' });
    }
  });

  it('passes back a ccmessaging-token CEC rotated, and CEC\'s own failure as it came', async () => {
    const cec = await startUpstream({ leaveMessage: '13' });
    const { call } = await startService(cec);
    cec.misbehave((req, res) => {
      if (!req.url.startsWith(LEAVE) || cec.count(LEAVE) > 1) return false;
      res.writeHead(200, { 'Content-Type': 'application/json', 'ccmessaging-token': 'rotated-by-cec' }).end('{"resultCode":"0"}');
      return true;
    });
    const body = { channel: 'WEB', caller: 'ana@example.com', leaveMessage: 'Hello' };
    const rotated = await call(LEAVE, post(body, visitor.headers));
    assert.equal(rotated.status, 200);
    assert.equal(rotated.headers.get('ccmessaging-token'), 'rotated-by-cec');
    const failed = await call(LEAVE, post(body, visitor.headers));
    assert.equal(failed.status, 200);
    assert.deepEqual(failed.json(), { resultCode: '13', resultDesc: 'Save leaveMessage failed!' });
    assert.equal(failed.headers.get('ccmessaging-token'), null);
  });

  it('never sends a message twice for one request, even when CEC refuses the AccessToken', async () => {
    const cec = await startUpstream();
    const { call } = await startService(cec);
    await call(`${MOUNT}/token`, post({}, { Origin: PUBLIC_ORIGIN })); // an AccessToken
    cec.expireAccessTokens();
    const restore = advanceClock(31_000); // a renewal is allowed
    try {
      const refused = await call(LEAVE, post({ channel: 'WEB', caller: 'ana@example.com', leaveMessage: 'Hello' }, visitor.headers));
      assert.equal(refused.status, 403);
    } finally {
      restore();
    }
    assert.equal(cec.count(LEAVE), 1);
    assert.equal(cec.stats.tokenByAkSk, 2, 'renewed for the browser\'s one retry');
  });
});

describe('messages and ratings: a limit of their own (RATE_LIMIT_MESSAGE, per hour)', () => {
  const message = (i = 0) => [LEAVE, { channel: 'WEB', caller: 'ana@example.com', leaveMessage: `Message ${i}` }];
  const rating = [SAVE, { channel: 'WEB', evaluation: '5' }];
  const status = async (call, [path, body], headers = visitor.headers) => (await call(path, post(body, headers))).status;

  it('takes 6 messages and ratings together per visitor an hour by default: the 7th is 429 for the rest of the hour', async () => {
    const cec = await startUpstream();
    const { call } = await startService(cec, { rateLimit: 2 });
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push(await status(call, i % 2 ? rating : message(i)));
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 429]);
    assert.equal(cec.count(LEAVE) + cec.count(SAVE), 6);
    const refused = await call(SAVE, post(rating[1], visitor.headers));
    assert.equal(refused.status, 429, 'saveSatisfaction counts against the same limit');
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(retryAfter > 3500 && retryAfter <= 3600, `Retry-After ${retryAfter}: what is left of the hour`);
    assert.equal((await call(SURVEY, post({ channel: 'WEB' }, visitor.headers))).status, 200, 'the survey mode is at the polling limit');
    const tokens = [];
    for (let i = 0; i < 3; i++) tokens.push((await call(`${MOUNT}/token`, post({}, visitor.headers))).status);
    assert.deepEqual(tokens, [200, 200, 429], 'no message counted against RATE_LIMIT (2 here)');
    let restore = advanceClock(61_000);
    try {
      assert.equal(await status(call, message()), 429, 'a minute on, still refused');
    } finally {
      restore();
    }
    restore = advanceClock(3_601_000);
    try {
      assert.equal(await status(call, message()), 200, 'an hour on, a message again');
    } finally {
      restore();
    }
  });

  it('counts per address: IPv4 per address, IPv6 per /64, and a /48 past 64 /64s in the hour as one visitor', async () => {
    const cec = await startUpstream();
    const { call } = await startService(cec, { rateLimitMessage: 1, trustProxy: 'loopback' });
    const from = (address) => status(call, message(), { ...visitor.headers, 'X-Forwarded-For': address });
    assert.deepEqual([await from('203.0.113.5'), await from('203.0.113.5'), await from('203.0.113.6')], [200, 429, 200]);
    assert.deepEqual([await from('2001:db8:6:1::1'), await from('2001:db8:6:1::2')], [200, 429], 'one /64');
    const spread = await inBatches(Array.from({ length: 63 }, (_, i) => () => from(`2001:db8:6:${(i + 2).toString(16)}::1`)));
    assert.ok(spread.every((answer) => answer === 200), 'the first 64 /64s, one visitor each');
    // Minutes later the /48 has still used its 64 /64s this hour: a /48 cannot bring 64 new ones every minute.
    const restore = advanceClock(120_000);
    try {
      assert.equal(await from('2001:db8:6:100::1'), 200, 'the 65th: the /48 as one visitor');
      assert.equal(await from('2001:db8:6:101::1'), 429, 'the 66th shares its count');
      assert.equal(await from('2001:db8:7::1'), 200, 'another /48 is not held back');
    } finally {
      restore();
    }
  });

  it('bounds the visitors it counts (maxTrackedVisitors): past it, new visitors wait, for the hour the counts live', async () => {
    const cec = await startUpstream();
    const lines = [];
    const { call } = await startService(cec, { rateLimitMessage: 1, maxTrackedVisitors: 3, trustProxy: 'loopback', logger: collectingLogger(lines) });
    const from = (address) => call(LEAVE, post(message()[1], { ...visitor.headers, 'X-Forwarded-For': address }));
    for (const address of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) assert.equal((await from(address)).status, 200);
    const waiting = await from('198.51.100.4');
    assert.equal(waiting.status, 429);
    assert.equal(waiting.headers.get('retry-after'), '3600');
    assert.ok(lines.some((line) => line.includes('3 visitors are counted by the message limit')));
    const restore = advanceClock(61_000);
    try {
      assert.equal((await from('198.51.100.5')).status, 429, 'a minute on, the hour\'s counts still live');
      assert.equal((await call(`${MOUNT}/token`, post({}, { ...visitor.headers, 'X-Forwarded-For': '198.51.100.5' }))).status, 200, 'the other limits are not full');
    } finally {
      restore();
    }
  });
});

describe('getsatisfactionsurveymode', () => {
  it('sends CEC {language} when the browser names one of CEC\'s six, else {}, and passes the survey back', async () => {
    const cases = [
      [{ channel: 'WEB', language: 'pt_BR' }, '{"language":"pt_BR"}'],
      [{ channel: 'WEB' }, '{}'],
      [{ channel: 'WEB', userId: 'x', channelConfigId: 'y', evaluation: '5' }, '{}'],
      ...['zh_CN', 'en_US', 'ar_SA', 'fr_FR', 'es_ES'].map((language) => [{ channel: 'WEB', language }, JSON.stringify({ language })]),
    ];
    for (const [body, expected] of cases) {
      const answer = await service.call(SURVEY, post(body, visitor.headers));
      assert.equal(answer.status, 200, answer.text);
      assert.equal(answer.json().satisfactionSurvey.surveyType, 'WEB');
      const sent = receivedAt(upstream, SURVEY).at(-1);
      assert.equal(sent.body, expected, JSON.stringify(body));
      assertGatewayHeaders(sent, visitor.headers['ccmessaging-token']);
    }
  });

  it('asks CEC again once with a renewed AccessToken when CEC refuses it (nothing is saved)', async () => {
    const cec = await startUpstream();
    const { call } = await startService(cec);
    await call(`${MOUNT}/token`, post({}, { Origin: PUBLIC_ORIGIN }));
    cec.expireAccessTokens();
    const restore = advanceClock(31_000);
    try {
      assert.equal((await call(SURVEY, post({ channel: 'WEB' }, visitor.headers))).status, 200);
    } finally {
      restore();
    }
    assert.equal(cec.count(SURVEY), 2);
  });
});

describe('saveSatisfaction', () => {
  /** The rating CEC is sent for `evaluation` and `comment` from this visitor, flat and nested in `satisfication`. */
  const both = (userId, evaluation, comment) => {
    const rating = { channel: 'WEB', userId, evaluation, comment, channelConfigId: 'web-1' };
    return JSON.stringify({ ...rating, satisfication: rating });
  };

  it('sends CEC the rating both ways Huawei documents, with the visitor\'s id and the configured channel', async () => {
    const browser = { channel: 'WEB', evaluation: '4', comment: 'Quick.\nThanks', userId: 'someone-else', channelConfigId: 'other', callId: 'x', extra: 1 };
    const answer = await service.call(SAVE, post(browser, visitor.headers));
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(answer.json(), { resultCode: '0', resultDesc: 'Save satisfaction success!' });
    const sent = receivedAt(upstream, SAVE).at(-1);
    assert.equal(sent.body, both(visitor.id, '4', 'Quick.\nThanks'));
    assertGatewayHeaders(sent, visitor.headers['ccmessaging-token']);
  });

  it('sends an empty comment when there is none, a comment of 511 characters as it is, and two-digit levels', async () => {
    for (const [evaluation, comment, expected] of [['1', undefined, ''], ['10', 'c'.repeat(511), 'c'.repeat(511)], ['3', ' \t ', ' \t ']]) {
      const answer = await service.call(SAVE, post({ channel: 'WEB', evaluation, comment }, visitor.headers));
      assert.equal(answer.status, 200, answer.text);
      assert.equal(receivedAt(upstream, SAVE).at(-1).body, both(visitor.id, evaluation, expected));
    }
  });

  it('is read by a CEC that follows the example (flat) as by one that follows the table (nested)', async () => {
    const flat = await startUpstream({ saveSatisfaction: 'flat' });
    const answer = await (await startService(flat)).call(SAVE, post({ channel: 'WEB', evaluation: '5' }, visitor.headers));
    assert.equal(answer.json().resultCode, '0');
  });

  it('never sends a rating twice for one request, even when CEC refuses the AccessToken', async () => {
    const cec = await startUpstream();
    const { call } = await startService(cec);
    await call(`${MOUNT}/token`, post({}, { Origin: PUBLIC_ORIGIN }));
    cec.expireAccessTokens();
    const restore = advanceClock(31_000);
    try {
      assert.equal((await call(SAVE, post({ channel: 'WEB', evaluation: '5' }, visitor.headers))).status, 403);
    } finally {
      restore();
    }
    assert.equal(cec.count(SAVE), 1);
    assert.equal(cec.stats.tokenByAkSk, 2);
  });
});

describe('what a browser sends that CEC never gets', () => {
  const text = (n, char = 'a') => char.repeat(n);
  const message = { channel: 'WEB', caller: 'ana@example.com', leaveMessage: 'Hello' };
  const rating = { channel: 'WEB', evaluation: '5' };
  const without = (body, field) => Object.fromEntries(Object.entries(body).filter(([key]) => key !== field));
  /** [what, path, body, the field the message and the log's detail name]. */
  const invalid = [
    ['no channel', LEAVE, without(message, 'channel'), 'channel'],
    ['a lower-case channel', LEAVE, { ...message, channel: 'web' }, 'channel'],
    ['a channel of 33 characters', LEAVE, { ...message, channel: text(33, 'W') }, 'channel'],
    ['a numeric channel', SURVEY, { channel: 5 }, 'channel'],
    ['no caller', LEAVE, without(message, 'caller'), 'caller'],
    ['a numeric caller', LEAVE, { ...message, caller: 5551234 }, 'caller'],
    ['a blank caller', LEAVE, { ...message, caller: '  \t ' }, 'caller'],
    ['a caller of 129 characters', LEAVE, { ...message, caller: text(129) }, 'caller'],
    ['a line break in the caller', LEAVE, { ...message, caller: 'ana@example.com\nBcc: x' }, 'caller'],
    ['a NUL in the caller', LEAVE, { ...message, caller: 'ana@example.com\u0000' }, 'caller'],
    ['a C1 control in the caller', LEAVE, { ...message, caller: 'ana@example.com\u0085' }, 'caller'],
    ['a caller that is neither a phone number nor an e-mail address', LEAVE, { ...message, caller: 'Ana' }, 'caller'],
    ['an e-mail address without a dot in its domain', LEAVE, { ...message, caller: 'ana@example' }, 'caller'],
    ['a phone number of 4 digits', LEAVE, { ...message, caller: '+1 (23) 4' }, 'caller'],
    ['a phone number of 21 digits', LEAVE, { ...message, caller: '1'.repeat(21) }, 'caller'],
    ['a phone number with letters', LEAVE, { ...message, caller: '+1 555 CALL-ME' }, 'caller'],
    ['a right-to-left override in the caller', LEAVE, { ...message, caller: '\u202eana@example.com' }, 'caller'],
    ['a left-to-right isolate in the caller', LEAVE, { ...message, caller: '\u2066ana@example.com\u2069' }, 'caller'],
    ['a zero-width space in the caller', LEAVE, { ...message, caller: 'ana\u200b@example.com' }, 'caller'],
    ['a soft hyphen in the caller', LEAVE, { ...message, caller: 'ana@exam\u00adple.com' }, 'caller'],
    ['a caller of Hangul fillers', LEAVE, { ...message, caller: '\u3164\u3164' }, 'caller'],
    ['a caller of Braille blanks and ideographic spaces', LEAVE, { ...message, caller: '\u2800\u3000\u2800' }, 'caller'],
    ['a lone surrogate in the caller', LEAVE, { ...message, caller: 'ana\udc00@example.com' }, 'caller'],
    ['no leaveMessage', LEAVE, without(message, 'leaveMessage'), 'leaveMessage'],
    ['a null leaveMessage', LEAVE, { ...message, leaveMessage: null }, 'leaveMessage'],
    ['an array leaveMessage', LEAVE, { ...message, leaveMessage: ['Hello'] }, 'leaveMessage'],
    ['an empty leaveMessage', LEAVE, { ...message, leaveMessage: '' }, 'leaveMessage'],
    ['a blank leaveMessage', LEAVE, { ...message, leaveMessage: ' \r\n\t ' }, 'leaveMessage'],
    ['a leaveMessage of Hangul fillers and Braille blanks', LEAVE, { ...message, leaveMessage: '\u3164\u2800 \u3164' }, 'leaveMessage'],
    ['a leaveMessage of zero-width and no-break spaces', LEAVE, { ...message, leaveMessage: '\u200b\u00a0\u2060\ufeff\u202f' }, 'leaveMessage'],
    ['a leaveMessage of bidi marks and a line separator', LEAVE, { ...message, leaveMessage: '\u200e\u2028\u200f\u061c' }, 'leaveMessage'],
    ['a lone surrogate in the leaveMessage', LEAVE, { ...message, leaveMessage: 'Hello \ud83d' }, 'leaveMessage'],
    ['a leaveMessage of 501 characters', LEAVE, { ...message, leaveMessage: text(501) }, 'leaveMessage'],
    ['a leaveMessage of 251 emoji (502 UTF-16 units)', LEAVE, { ...message, leaveMessage: '😀'.repeat(251) }, 'leaveMessage'],
    ['a bell in the leaveMessage', LEAVE, { ...message, leaveMessage: 'Hello\u0007' }, 'leaveMessage'],
    ['an escape sequence in the leaveMessage', LEAVE, { ...message, leaveMessage: '\u001b[2JHello' }, 'leaveMessage'],
    ['a language CEC does not list', SURVEY, { channel: 'WEB', language: 'en' }, 'language'],
    ['an empty language', SURVEY, { channel: 'WEB', language: '' }, 'language'],
    ['a numeric language', SURVEY, { channel: 'WEB', language: 1 }, 'language'],
    ['no channel for saveSatisfaction', SAVE, without(rating, 'channel'), 'channel'],
    ['no evaluation', SAVE, without(rating, 'evaluation'), 'evaluation'],
    ['a numeric evaluation', SAVE, { ...rating, evaluation: 5 }, 'evaluation'],
    ['an empty evaluation', SAVE, { ...rating, evaluation: '' }, 'evaluation'],
    ['a three-digit evaluation', SAVE, { ...rating, evaluation: '100' }, 'evaluation'],
    ['an evaluation that is not digits', SAVE, { ...rating, evaluation: '5a' }, 'evaluation'],
    ['a padded evaluation', SAVE, { ...rating, evaluation: ' 5' }, 'evaluation'],
    ['a numeric comment', SAVE, { ...rating, comment: 5 }, 'comment'],
    ['a null comment', SAVE, { ...rating, comment: null }, 'comment'],
    ['a comment of 512 characters', SAVE, { ...rating, comment: text(512) }, 'comment'],
    ['a NUL in the comment', SAVE, { ...rating, comment: 'Good\u0000' }, 'comment'],
    ['a DEL in the comment', SAVE, { ...rating, comment: 'Good\u007f' }, 'comment'],
    ['a lone surrogate in the comment', SAVE, { ...rating, comment: 'Good \udfff' }, 'comment'],
  ];
  for (const [what, path, body, field] of invalid) {
    it(`answers 400 to ${what}, naming ${field} to the browser and in the log, and sends CEC nothing`, async () => {
      const lines = [];
      const { call } = await startService(upstream, { logger: collectingLogger(lines) });
      const before = receivedAt(upstream, path).length;
      const answer = await call(path, post(body, visitor.headers));
      assert.equal(answer.status, 400);
      assert.equal(answer.json().error, 'bad-request');
      assert.match(answer.json().message, new RegExp(`^${field} `));
      assert.match(logLineOf(lines, answer).detail, new RegExp(`^${field} `));
      assert.equal(receivedAt(upstream, path).length, before);
    });
  }

  it('takes the callers the element takes, and messages with emoji, bidi marks and right-to-left text', async () => {
    const { call } = await startService(upstream, { rateLimitMessage: 100 });
    const callers = ['+49 (30) 123-4567', '12345', '1'.repeat(20), '555.010.0199', 'ana.b+tag@mail.example.co.uk', 'a@b.c'];
    const messages = ['👩‍💻 call me', '\u200fשלום, please call', '٣ كتب\u061c', 'Hi\u3164there'];
    for (const [i, caller] of callers.entries()) {
      const leaveMessage = messages[i % messages.length];
      const answer = await call(LEAVE, post({ ...message, caller, leaveMessage }, visitor.headers));
      assert.equal(answer.status, 200, `${caller}: ${answer.text}`);
      assert.deepEqual(JSON.parse(receivedAt(upstream, LEAVE).at(-1).body), { callId: visitor.id, caller, leaveMessage, channel: 'WEB' });
    }
  });

  it('answers 400 to a body that is not UTF-8, and CEC hears nothing', async () => {
    const before = upstream.received.length;
    const latin1 = Buffer.from('{"channel":"WEB","caller":"ana@example.com","leaveMessage":"Caf\xe9 \xff"}', 'latin1');
    const answer = await service.call(LEAVE, { method: 'POST', headers: { ...visitor.headers, 'Content-Type': 'application/json' }, body: latin1 });
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.json(), { error: 'bad-request', message: 'the body must be UTF-8' });
    const overlong = await service.call(SURVEY, { method: 'POST', headers: { ...visitor.headers, 'Content-Type': 'application/json' }, body: Buffer.from([0x7b, 0xc0, 0xaf, 0x7d]) });
    assert.equal(overlong.status, 400);
    assert.equal(upstream.received.length, before);
  });

  for (const path of [LEAVE, SURVEY, SAVE]) {
    it(`answers 415 to ${path.split('/').pop()} with a body not sent as application/json, and CEC hears nothing`, async () => {
      const body = JSON.stringify(path === LEAVE ? message : path === SAVE ? rating : { channel: 'WEB' });
      const before = upstream.received.length;
      for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/jsonp', undefined]) {
        const headers = { ...visitor.headers, ...(type && { 'Content-Type': type }) };
        // A Buffer: fetch adds no Content-Type of its own.
        const answer = await service.call(path, { method: 'POST', headers, body: Buffer.from(body) });
        assert.equal(answer.status, 415, String(type));
        assert.equal(answer.json().error, 'unsupported-media-type');
      }
      assert.equal(upstream.received.length, before);
      for (const type of ['application/json', 'Application/JSON; Charset=UTF-8', 'application/json;charset="utf-8"']) {
        assert.equal((await service.call(path, { method: 'POST', headers: { ...visitor.headers, 'Content-Type': type }, body })).status, 200, type);
      }
    });
  }

  it('says in the log how long a too-long field was', async () => {
    const lines = [];
    const { call } = await startService(upstream, { logger: collectingLogger(lines) });
    const answer = await call(LEAVE, post({ ...message, leaveMessage: text(612) }, visitor.headers));
    assert.equal(logLineOf(lines, answer).detail, 'leaveMessage has 612 characters (1–500 characters)');
    const comment = await call(SAVE, post({ ...rating, comment: text(600) }, visitor.headers));
    assert.equal(logLineOf(lines, comment).detail, 'comment has 600 characters (at most 511 characters)');
  });

  const refusedRoutes = [
    ['a GET of doLeaveMessage', LEAVE, {}],
    ['a GET of getsatisfactionsurveymode', SURVEY, {}],
    ['a GET of saveSatisfaction', `${SAVE}?channel=WEB&evaluation=5`, {}],
    ['doLeaveMessage under v1/', `${MOUNT}/v1/doLeaveMessage`, post(message)],
    ['getsatisfactionsurveymode under v1/', `${MOUNT}/v1/getsatisfactionsurveymode`, post({ channel: 'WEB' })],
    ['saveSatisfaction under v1/', `${MOUNT}/v1/saveSatisfaction`, post(rating)],
    ['the survey mode in camel case (CEC\'s path is lower case)', `${MOUNT}/getSatisfactionSurveyMode`, post({ channel: 'WEB' })],
    ['doLeaveMessage in lower case', `${MOUNT}/doleavemessage`, post(message)],
    ['a trailing slash', `${LEAVE}/`, post(message)],
    ['a click-to-dial operation without v1/', `${MOUNT}/createClickToCall`, post({ channel: 'WEB', mediaAbility: '0' })],
    ['another CEC operation without v1/', `${MOUNT}/send`, post({ channel: 'WEB' })],
    ['a PUT', LEAVE, { ...post(message), method: 'PUT' }],
  ];
  for (const [what, path, init] of refusedRoutes) {
    it(`answers 404 to ${what}, and CEC hears nothing`, async () => {
      const before = upstream.received.length;
      const answer = await service.call(path, { ...init, headers: { ...init.headers, ...visitor.headers } });
      assert.equal(answer.status, 404);
      assert.equal(upstream.received.length, before);
    });
  }

  for (const [path, body] of [[LEAVE, message], [SURVEY, { channel: 'WEB' }], [SAVE, rating]]) {
    it(`answers 400 to ${path.split('/').pop()} without a ccmessaging-token, 413 to a body over the cap, 403 to a stranger`, async () => {
      const before = upstream.received.length;
      const noToken = await service.call(path, post(body, { Origin: PUBLIC_ORIGIN, Cookie: visitor.cookie }));
      assert.equal(noToken.status, 400);
      assert.match(noToken.json().message, /ccmessaging-token/);
      const unsafeToken = await service.call(path, post(body, { ...visitor.headers, 'ccmessaging-token': 'a b' }));
      assert.equal(unsafeToken.status, 400);
      const oversize = await service.call(path, post({ ...body, padding: 'p'.repeat(5000) }, visitor.headers));
      assert.equal(oversize.status, 413);
      const stranger = await service.call(path, post(body, { ...visitor.headers, Origin: 'https://evil.example' }));
      assert.equal(stranger.status, 403);
      assert.equal(upstream.received.length, before);
    });

    it(`answers ${path.split('/').pop()}'s CORS preflight for an allowed origin`, async () => {
      const { call } = await startService(upstream, { allowedOrigins: ['https://partner.example'] });
      const preflight = await call(path, { method: 'OPTIONS', headers: { Origin: 'https://partner.example', 'Access-Control-Request-Method': 'POST' } });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://partner.example');
      assert.match(preflight.headers.get('access-control-allow-methods'), /POST/);
      assert.match(preflight.headers.get('access-control-allow-headers'), /ccmessaging-token/);
      const answer = await call(path, post(body, { ...visitor.headers, Origin: 'https://partner.example' }));
      assert.equal(answer.status, 200);
      assert.equal(answer.headers.get('access-control-allow-origin'), 'https://partner.example');
      assert.equal(answer.headers.get('access-control-expose-headers'), 'ccmessaging-token');
    });
  }

  it('counts each operation by name in /metrics', async () => {
    const cec = await startUpstream();
    const { call, server } = await startService(cec);
    await call(LEAVE, post(message, visitor.headers));
    await call(SURVEY, post({ channel: 'WEB' }, visitor.headers));
    await call(SAVE, post(rating, visitor.headers));
    const metrics = await server.service.registry.metrics();
    for (const operation of ['doLeaveMessage', 'getsatisfactionsurveymode', 'saveSatisfaction']) {
      assert.match(metrics, new RegExp(`click_to_call_upstream_requests_total\\{operation="${operation}",status="200"\\} 1`));
    }
  });
});

describe('the visitor\'s id where CEC takes at most 24 characters', () => {
  it('gives new anonymous visitors 24-character ids (96 random bits), which applyToken gets whole', async () => {
    const cec = await startUpstream();
    const { call } = await startService(cec);
    const ids = new Set();
    for (let i = 0; i < 5; i++) {
      const grant = await call(`${MOUNT}/token`, post({}, { Origin: PUBLIC_ORIGIN }));
      const cookie = grant.headers.get('set-cookie');
      assert.match(cookie, new RegExp(`^${COOKIE}=[a-f0-9]{24}\\.[\\w-]{43}; Path=/; Max-Age=\\d+; HttpOnly; Secure; SameSite=Lax$`));
      const id = cookie.slice(`${COOKIE}=`.length, `${COOKIE}=`.length + 24);
      assert.equal(JSON.parse(receivedAt(cec, `${MOUNT}/applyToken`).at(-1).body).userId, id);
      ids.add(id);
    }
    assert.equal(ids.size, 5);
  });

  it('keeps a signed 24-character cookie; without a valid one answers 403 and issues none (only /token does)', async () => {
    const kept = await visitorOf(service, signedCookie('0123456789abcdef01234567'));
    assert.equal((await service.call(SAVE, post({ channel: 'WEB', evaluation: '2' }, kept.headers))).status, 200);
    assert.equal(JSON.parse(receivedAt(upstream, SAVE).at(-1).body).userId, '0123456789abcdef01234567');
    const forged = `${COOKIE}=abcdefabcdefabcdefabcdef.${'A'.repeat(43)}`;
    const { Cookie: _cookie, ...noCookie } = visitor.headers;
    const before = upstream.received.length;
    for (const headers of [{ ...visitor.headers, Cookie: forged }, noCookie, { ...visitor.headers, Cookie: `${COOKIE}=${visitor.id}` }]) {
      for (const [path, body] of [[LEAVE, { channel: 'WEB', caller: 'ana@example.com', leaveMessage: 'Hi' }], [SAVE, { channel: 'WEB', evaluation: '5' }]]) {
        const answer = await service.call(path, post(body, headers));
        assert.equal(answer.status, 403, headers.Cookie);
        assert.equal(answer.json().error, 'forbidden');
        assert.equal(answer.headers.get('set-cookie'), null, 'no fresh id for a message or a rating');
      }
    }
    assert.equal(upstream.received.length, before, 'CEC heard nothing');
    assert.equal((await service.call(SURVEY, post({ channel: 'WEB' }, noCookie))).status, 200, 'the survey mode needs no visitor');
  });

  it('refuses a token CEC issued to another visitor: 403 "the token is not this visitor\'s", and CEC hears nothing', async () => {
    const other = await visitorOf(service);
    assert.notEqual(other.id, visitor.id);
    const crossed = { ...visitor.headers, 'ccmessaging-token': other.headers['ccmessaging-token'] };
    const before = upstream.received.length;
    const lines = [];
    const { call } = await startService(upstream, { logger: collectingLogger(lines) });
    for (const [path, body] of [[LEAVE, { channel: 'WEB', caller: 'ana@example.com', leaveMessage: 'Hi' }], [SAVE, { channel: 'WEB', evaluation: '5' }]]) {
      const answer = await call(path, post(body, crossed));
      assert.equal(answer.status, 403);
      assert.deepEqual(answer.json(), { error: 'forbidden', message: 'the token is not this visitor\'s' });
      assert.match(logLineOf(lines, answer).detail, /names another userId/);
    }
    assert.equal(upstream.received.length, before);
    // A custom identify() is held to the same rule.
    const custom = await startService(upstream, { identify: () => ({ userId: 'customer-42' }) });
    const answer = await custom.call(SAVE, post({ channel: 'WEB', evaluation: '5' }, visitor.headers));
    assert.equal(answer.status, 403);
    assert.equal(upstream.received.length, before);
  });

  it('takes an opaque token (not in CEC\'s documented form) with identify()\'s id', async () => {
    const cec = await startUpstream();
    const { call } = await startService(cec);
    cec.misbehave((req, res) => {
      if (!req.url.startsWith(LEAVE)) return false;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"resultCode":"0"}');
      return true;
    });
    const base64 = (text) => encodeURIComponent(Buffer.from(text).toString('base64'));
    for (const token of ['opaque-token-1', base64('not json'), base64('{"tenantId":"t","channelId":"c"}'), base64('{"userId":42}'), base64('["userId"]')]) {
      const answer = await call(LEAVE, post({ channel: 'WEB', caller: 'ana@example.com', leaveMessage: 'Hi' }, { ...visitor.headers, 'ccmessaging-token': token }));
      assert.equal(answer.status, 200, token);
      assert.equal(JSON.parse(receivedAt(cec, LEAVE).at(-1).body).callId, visitor.id);
    }
  });

  it('keeps the 32-character id of a cookie from before for /token, and sends CEC its first 24 as callId and userId', async () => {
    const cec = await startUpstream();
    const { call } = await startService(cec);
    const old = '0123456789abcdef0123456789abcdef';
    const veteran = await visitorOf({ call }, signedCookie(old));
    assert.equal(JSON.parse(receivedAt(cec, `${MOUNT}/applyToken`).at(-1).body).userId, old, '/token: the id it always had');
    const message = await call(LEAVE, post({ channel: 'WEB', caller: 'ana@example.com', leaveMessage: 'Hi' }, veteran.headers));
    assert.equal(message.status, 200);
    assert.equal(message.headers.get('set-cookie'), null, 'the cookie stays');
    assert.equal(JSON.parse(receivedAt(cec, LEAVE).at(-1).body).callId, old.slice(0, 24));
    assert.equal((await call(SAVE, post({ channel: 'WEB', evaluation: '5' }, veteran.headers))).status, 200);
    const rating = JSON.parse(receivedAt(cec, SAVE).at(-1).body);
    assert.equal(rating.userId, old.slice(0, 24));
    assert.equal(rating.satisfication.userId, old.slice(0, 24));
  });

  it('sends identify()\'s userId when it has at most 24 characters', async () => {
    const cec = await startUpstream();
    const { call } = await startService(cec, { identify: () => ({ userId: 'customer-000000000000042' }) });
    const grant = await call(`${MOUNT}/token`, post({}, { Origin: PUBLIC_ORIGIN }));
    assert.equal(grant.headers.get('set-cookie'), null, 'identify() decides who the visitor is: no cookie');
    const headers = { Origin: PUBLIC_ORIGIN, 'ccmessaging-token': grant.json().token };
    assert.equal((await call(LEAVE, post({ channel: 'WEB', caller: 'ana@example.com', leaveMessage: 'Hi' }, headers))).status, 200);
    assert.equal(JSON.parse(receivedAt(cec, LEAVE).at(-1).body).callId, 'customer-000000000000042');
    assert.equal((await call(SAVE, post({ channel: 'WEB', evaluation: '5' }, headers))).status, 200);
    assert.equal(JSON.parse(receivedAt(cec, SAVE).at(-1).body).userId, 'customer-000000000000042');
  });

  // CEC counts UTF-16 units: 13 emoji are 26.
  for (const userId of ['customer-0000000000000042', '0123456789abcdef0123456789abcdef', '😀'.repeat(13)]) {
    it(`refuses to leave a message or rate a call for identify()'s userId of ${userId.length} UTF-16 units: 400, and the log says why`, async () => {
      const cec = await startUpstream();
      const lines = [];
      const { call } = await startService(cec, { identify: () => ({ userId }), logger: collectingLogger(lines) });
      const headers = { Origin: PUBLIC_ORIGIN, 'ccmessaging-token': visitor.headers['ccmessaging-token'] };
      for (const [path, body] of [[LEAVE, { channel: 'WEB', caller: 'ana@example.com', leaveMessage: 'Hi' }], [SAVE, { channel: 'WEB', evaluation: '5' }]]) {
        const answer = await call(path, post(body, headers));
        assert.equal(answer.status, 400);
        assert.equal(answer.json().error, 'bad-request');
        assert.equal(logLineOf(lines, answer).detail, `identify() must give userIds of at most 24 characters to leave messages and rate calls (CEC's callId/userId); this one has ${userId.length}`);
        assert.equal(cec.count(path), 0);
      }
      assert.equal((await call(SURVEY, post({ channel: 'WEB' }, headers))).status, 200, 'the survey mode needs no id');
    });
  }

  it('gives applyToken a userId of 1–32 UTF-16 units, as CEC counts them: 17 emoji (34) are identify()\'s mistake', async () => {
    const cec = await startUpstream();
    const lines = [];
    const ids = ['é'.repeat(32), '😀'.repeat(17), ''];
    const { call } = await startService(cec, { identify: () => ({ userId: ids[0] }), logger: collectingLogger(lines) });
    assert.equal((await call(`${MOUNT}/token`, post({}, { Origin: PUBLIC_ORIGIN }))).status, 200);
    for (const userId of ids.slice(1)) {
      ids[0] = userId;
      const answer = await call(`${MOUNT}/token`, post({}, { Origin: PUBLIC_ORIGIN }));
      assert.equal(answer.status, 500);
      assert.match(logLineOf(lines, answer).detail, /identify\(\) must return a userId of 1–32 characters \(UTF-16 units\)/);
    }
    assert.equal(cec.stats.applyToken, 1);
  });
});
