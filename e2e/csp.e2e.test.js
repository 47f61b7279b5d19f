// The script-tag bundle under a strict Content-Security-Policy with Trusted Types: a whole call, zero violations.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { loadMocks, serveSimulatedSite } from '../mocks/serve.js';
import { chromeArgs, chromePath } from '../scripts/chrome-path.js';

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; require-trusted-types-for 'script'";

const mocks = await loadMocks();
const page = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Strict CSP</title>
<script src="/click-to-call.iife.js"></script><script src="/page.js" defer></script></head>
<body><click-to-call token-endpoint="${mocks.TOKEN_ENDPOINT}" poll-interval="50" media-engine="none"></click-to-call><pre id="log"></pre></body></html>`;

// The page's own script: external, as the policy wants. It logs events and every CSP violation.
const pageScript = `
  const log = (line) => (document.getElementById('log').textContent += line + '\\n');
  document.addEventListener('securitypolicyviolation', (e) => log('violation ' + e.violatedDirective + ' ' + e.blockedURI));
  for (const type of ['call-started', 'call-queued', 'call-connected', 'call-ended', 'call-error']) document.addEventListener(type, () => log(type));
`;

const dist = async (file) => ['text/javascript', await readFile(new URL(`../dist/${file}`, import.meta.url), 'utf8')];
const server = await serveSimulatedSite(
  mocks,
  { queueMs: 300 },
  {
    headers: { 'Content-Security-Policy': CSP },
    files: {
      '/': ['text/html', page],
      '/page.js': ['text/javascript', pageScript],
      '/favicon.ico': ['image/x-icon', ''],
      '/click-to-call.iife.js': () => dist('click-to-call.iife.js'),
      '/click-to-call.call.js': () => dist('click-to-call.call.js'),
      '/locales/fr.js': () => dist('locales/fr.js'),
    },
  },
);

let browser;
before(async () => {
  browser = await chromium.launch({ executablePath: chromePath(), args: chromeArgs });
});
after(async () => {
  await browser?.close();
  await server.close();
});

it('completes a call under a strict CSP with Trusted Types, with zero violations', async () => {
  const tab = await browser.newPage();
  const errors = [];
  tab.on('pageerror', (error) => errors.push(error.message));
  await tab.goto(`${server.url}/`);
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
