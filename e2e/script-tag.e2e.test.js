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
  for (const type of ['call-started', 'no-agents', 'call-error'])
    document.addEventListener(type, (e) => { log.textContent += type + ' ' + JSON.stringify(e.detail) + '\\n'; });
</script></body></html>`;

/** What the server received, and what createClickToCall answers next. */
const server = { received: [], createAnswer: { resultCode: '0', 'resultDesc:': null } };

const http = createServer(async (req, res) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  server.received.push({ method: req.method, url: req.url, headers: req.headers, body });
  const send = (status, type, text) => res.writeHead(status, { 'Content-Type': type }).end(text);
  if (req.url === '/') return send(200, 'text/html', page('<click-to-call token-endpoint="/token"></click-to-call>'));
  if (req.url === '/favicon.ico') return res.writeHead(204).end();
  if (req.url === '/click-to-call.iife.js') return send(200, 'text/javascript', bundle);
  if (req.url === '/token' && req.method === 'POST') {
    return send(200, 'application/json', JSON.stringify({ token: 'e2e-token', expiresIn: 3600 }));
  }
  if (req.url === '/apiaccess/ccmessaging/v1/createClickToCall' && req.method === 'POST') {
    const ok = req.headers['ccmessaging-token'] === 'e2e-token';
    return send(ok ? 200 : 401, 'application/json', JSON.stringify(ok ? server.createAnswer : { errorCode: '401' }));
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

  it('starts a voice call: token, then createClickToCall with the token header, then call-started', async () => {
    const { tab, errors } = await openPage();
    await tab.getByRole('button', { name: 'Voice call' }).click();
    await tab.locator('#log', { hasText: 'call-started' }).waitFor();
    assert.equal(await tab.locator('click-to-call').getAttribute('state'), 'started');
    const create = server.received.find((r) => r.url.endsWith('/createClickToCall'));
    assert.equal(create.body, '{"channel":"WEB","mediaAbility":"0"}');
    assert.equal(create.headers['content-type'], 'application/json');
    assert.equal(server.received.filter((r) => r.url === '/token').length, 1);
    assert.match(await tab.locator('#log').textContent(), /call-started {"media":"voice","resultCode":"0","resultDesc":""}/);
    assert.deepEqual(errors, []);
    await tab.close();
  });

  it('shows no-agents, then lets the visitor try again', async () => {
    server.createAnswer = { resultCode: '13', resultDesc: 'No agents available currently' };
    const { tab } = await openPage();
    await tab.getByRole('button', { name: 'Video call' }).click();
    await tab.locator('#log', { hasText: 'no-agents' }).waitFor();
    assert.equal(await tab.locator('click-to-call').getAttribute('state'), 'no-agents');
    assert.match(await tab.getByRole('status').textContent(), /No agent is available/);
    server.createAnswer = { resultCode: '0' };
    await tab.getByRole('button', { name: 'Video call' }).click();
    await tab.locator('#log', { hasText: 'call-started' }).waitFor();
    assert.equal(server.received.filter((r) => r.url === '/token').length, 1, 'the token is reused');
    await tab.close();
  });
});
