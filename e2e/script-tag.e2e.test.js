// The script-tag bundle in a plain HTML page, in Chromium, against a real HTTP server on 127.0.0.1
// that plays the site's token endpoint and CEC.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { chromeArgs, chromePath } from '../scripts/chrome-path.js';

const bundle = await readFile(new URL('../dist/click-to-call.iife.js', import.meta.url), 'utf8');

const page = (body) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Plain page</title>
<script src="/click-to-call.iife.js"></script><script src="/click-to-call.iife.js"></script></head>
<body>${body}<pre id="log"></pre>
<script>
  for (const type of ['call-started', 'no-agents', 'call-error', 'call-queued', 'call-connected', 'call-ended', 'call-failed'])
    document.addEventListener(type, (e) => { log.textContent += type + ' ' + JSON.stringify(e.detail) + '\\n'; });
</script></body></html>`;

/** What the server received, what createClickToCall answers next, and the call CEC is following. */
const server = { received: [], createAnswer: { resultCode: '0', 'resultDesc:': null }, call: undefined };

/** CEC's events for the call: queued once, then connected on the third poll, then nothing new. */
function nextEvent() {
  const call = server.call;
  if (!call) return { resultCode: '0', resultDesc: 'ClickToCall polled without any events' };
  call.polls++;
  if (call.polls === 1) return { resultCode: '0', resultDesc: 'Call in queue' };
  if (call.polls === 3) {
    const content = { domain: 'gw.example', gwAddresses: ['wss://gw.example:8443'], accessCode: '1010', clickToCallCaller: 'v1' };
    return { resultCode: '0', resultDesc: 'Call connected', eventId: 168101, content };
  }
  return { resultCode: '0', resultDesc: 'ClickToCall polled without any events' };
}

const http = createServer(async (req, res) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  server.received.push({ method: req.method, url: req.url, headers: req.headers, body });
  const send = (status, type, text) => res.writeHead(status, { 'Content-Type': type }).end(text);
  if (req.url === '/') {
    return send(200, 'text/html', page('<click-to-call token-endpoint="/token" poll-interval="50" media-engine="none"></click-to-call>'));
  }
  if (req.url === '/favicon.ico') return res.writeHead(204).end();
  if (req.url === '/click-to-call.iife.js') return send(200, 'text/javascript', bundle);
  const locale = req.url.match(/^\/locales\/(\w+)\.js$/)?.[1];
  if (locale) return send(200, 'text/javascript', await readFile(new URL(`../dist/locales/${locale}.js`, import.meta.url), 'utf8'));
  if (req.url === '/fr') return send(200, 'text/html', page('<click-to-call lang="fr" media-engine="none"></click-to-call>'));
  if (req.url === '/token' && req.method === 'POST') {
    return send(200, 'application/json', JSON.stringify({ token: 'e2e-token', expiresIn: 3600 }));
  }
  const cec = req.url.match(/^\/apiaccess\/ccmessaging\/v1\/(\w+)(\?channel=WEB)?$/);
  if (cec && req.headers['ccmessaging-token'] !== 'e2e-token') return send(401, 'application/json', '{"errorCode":"401"}');
  const answer = (json) => send(200, 'application/json', JSON.stringify(json));
  switch (cec && `${req.method} ${cec[1]}`) {
    case 'GET checkClickToCallSupport':
      return answer({ resultCode: '0', webRTCSupported: true, clickToCallSupported: true });
    case 'POST createClickToCall':
      if (server.createAnswer.resultCode === '0') server.call = { polls: 0 };
      return answer(server.createAnswer);
    case 'GET getClickToCallEvents':
      return answer(nextEvent());
    case 'POST dropClickToCall':
      server.call = undefined;
      return answer({ resultCode: '0', resultDesc: '' });
  }
  send(404, 'text/plain', 'not found');
});

let browser;
let origin;

before(async () => {
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${http.address().port}`;
  browser = await chromium.launch({ executablePath: chromePath(), args: chromeArgs });
});

after(async () => {
  await browser?.close();
  http.close();
});

beforeEach(() => {
  server.received = [];
  server.createAnswer = { resultCode: '0', 'resultDesc:': null };
  server.call = undefined;
});

/** A fresh page on the plain HTML document, with its errors collected. */
async function openPage() {
  const tab = await browser.newPage();
  tab.setDefaultTimeout(5000);
  const errors = [];
  tab.on('pageerror', (error) => errors.push(error.message));
  tab.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  await tab.goto(origin);
  return { tab, errors };
}

describe('script-tag bundle in a plain page', () => {
  it('registers <click-to-call> even when loaded twice, with no error', async () => {
    const { tab, errors } = await openPage();
    await tab.locator('click-to-call button').first().waitFor();
    assert.deepEqual(await tab.locator('click-to-call button').allTextContents().then((t) => t.map((s) => s.trim())), [
      'Voice call',
      'Video call',
    ]);
    assert.deepEqual(errors, []);
    await tab.close();
  });

  it('walks a whole call: click → started → queued → connected → hang up → ended', async () => {
    const { tab, errors } = await openPage();
    await tab.getByRole('button', { name: 'Voice call' }).click();
    await tab.locator('#log', { hasText: 'call-connected' }).waitFor();
    const log = await tab.locator('#log').textContent();
    assert.match(log, /call-started {"media":"voice","resultCode":"0","resultDesc":""}\ncall-queued {"media":"voice"}\ncall-connected {"media":"voice","domain":"gw.example","gwAddresses":\["wss:\/\/gw.example:8443"\],"accessCode":"1010","clickToCallCaller":"v1"}/);
    assert.equal(await tab.locator('click-to-call').getAttribute('state'), 'connected');
    const create = server.received.find((r) => r.url.endsWith('/createClickToCall'));
    assert.equal(create.body, '{"channel":"WEB","mediaAbility":"0"}');
    assert.equal(create.headers['content-type'], 'application/json');

    await tab.getByRole('button', { name: 'Hang up' }).click();
    await tab.locator('#log', { hasText: 'call-ended' }).waitFor();
    assert.match(await tab.locator('#log').textContent(), /call-ended {"media":"voice","by":"local"}/);
    assert.equal(await tab.locator('click-to-call').getAttribute('state'), 'ended');
    const drop = server.received.find((r) => r.url.endsWith('/dropClickToCall'));
    assert.equal(drop.body, '{"channel":"WEB"}');
    assert.equal(server.received.filter((r) => r.url === '/token').length, 1, 'one token for the whole call');
    assert.deepEqual(errors, []);
    await tab.close();
  });

  it('loads the visitor\'s language from next to the script', async () => {
    const tab = await browser.newPage();
    await tab.goto(`${origin}/fr`);
    await tab.getByRole('button', { name: 'Appel vocal' }).waitFor();
    assert.ok(server.received.some((r) => r.url === '/locales/fr.js'));
    await tab.close();
  });

  it('shows no-agents, then lets the visitor try again', async () => {
    server.createAnswer = { resultCode: '13', resultDesc: 'No agents available currently' };
    const { tab } = await openPage();
    await tab.getByRole('button', { name: 'Video call' }).click();
    await tab.locator('#log', { hasText: 'no-agents' }).waitFor();
    assert.equal(await tab.locator('click-to-call').getAttribute('state'), 'no-agents');
    assert.match(await tab.getByRole('status').textContent(), /No agent/);
    server.createAnswer = { resultCode: '0' };
    await tab.getByRole('button', { name: 'Video call' }).click();
    await tab.locator('#log', { hasText: 'call-started' }).waitFor();
    assert.equal(server.received.filter((r) => r.url === '/token').length, 1, 'the token is reused');
    await tab.close();
  });
});
