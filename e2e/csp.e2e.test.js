// The script-tag bundle under a strict Content-Security-Policy with Trusted Types: a whole call, zero violations.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { chromeArgs, chromePath } from '../scripts/chrome-path.js';

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; require-trusted-types-for 'script'";

const page = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Strict CSP</title>
<script src="/click-to-call.iife.js"></script><script src="/page.js" defer></script></head>
<body><click-to-call token-endpoint="/token" poll-interval="50" media-engine="none"></click-to-call><pre id="log"></pre></body></html>`;

// The page's own script: external, as the policy wants. It logs events and every CSP violation.
const pageScript = `
  const log = (line) => (document.getElementById('log').textContent += line + '\\n');
  document.addEventListener('securitypolicyviolation', (e) => log('violation ' + e.violatedDirective + ' ' + e.blockedURI));
  for (const type of ['call-started', 'call-queued', 'call-connected', 'call-ended', 'call-error']) document.addEventListener(type, () => log(type));
`;

let call;
const events = () => {
  if (!call) return { resultCode: '0', resultDesc: 'ClickToCall polled without any events' };
  call.polls++;
  if (call.polls === 1) return { resultCode: '0', resultDesc: 'Call in queue' };
  if (call.polls === 2) return { resultCode: '0', resultDesc: 'Call connected', eventId: 168101, content: { domain: 'd', gwAddresses: ['wss://gw'], accessCode: '1', clickToCallCaller: 'v' } };
  return { resultCode: '0', resultDesc: 'ClickToCall polled without any events' };
};

const server = createServer(async (req, res) => {
  const send = (type, body) => res.writeHead(200, { 'Content-Type': type, 'Content-Security-Policy': CSP }).end(body);
  const json = (body) => send('application/json', JSON.stringify(body));
  const dist = (file) => readFile(new URL(`../dist/${file}`, import.meta.url), 'utf8');
  if (req.url === '/') return send('text/html', page);
  if (req.url === '/page.js') return send('text/javascript', pageScript);
  if (req.url === '/click-to-call.iife.js') return send('text/javascript', await dist('click-to-call.iife.js'));
  if (req.url.startsWith('/locales/')) return send('text/javascript', await dist(req.url.slice(1)));
  if (req.url === '/token') return json({ token: 'csp-token' });
  const operation = req.url.match(/\/v1\/(\w+)/)?.[1];
  if (operation === 'checkClickToCallSupport') return json({ resultCode: '0', clickToCallSupported: true });
  if (operation === 'createClickToCall') return (call = { polls: 0 }), json({ resultCode: '0' });
  if (operation === 'getClickToCallEvents') return json(events());
  if (operation === 'dropClickToCall') return (call = undefined), json({ resultCode: '0' });
  res.writeHead(req.url === '/favicon.ico' ? 204 : 404).end();
});

let browser;
before(async () => {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  browser = await chromium.launch({ executablePath: chromePath(), args: chromeArgs });
});
after(async () => {
  await browser?.close();
  server.close();
});

it('completes a call under a strict CSP with Trusted Types, with zero violations', async () => {
  const tab = await browser.newPage();
  const errors = [];
  tab.on('pageerror', (error) => errors.push(error.message));
  await tab.goto(`http://127.0.0.1:${server.address().port}/`);
  await tab.getByRole('button', { name: 'Appel vocal' }).click(); // French texts: a sibling chunk loaded too
  await tab.locator('#log', { hasText: 'call-connected' }).waitFor({ timeout: 5000 });
  await tab.getByRole('button', { name: 'Raccrocher' }).click();
  await tab.locator('#log', { hasText: 'call-ended' }).waitFor({ timeout: 5000 });
  const log = await tab.locator('#log').textContent();
  assert.doesNotMatch(log, /violation/);
  assert.match(log, /call-started\ncall-queued\ncall-connected\ncall-ended/);
  assert.deepEqual(errors, []);
  await tab.close();
});
