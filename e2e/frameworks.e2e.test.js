// React 19, Vue 3, Svelte 5 and Angular 21 apps (demo/frameworks/) built with the npm entry and driven in Chromium: each sets
// attributes, an object property and a function property, and reacts to call-started and no-agents through its
// own event binding.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { chromium } from 'playwright-core';
import { chromeArgs, chromePath } from '../scripts/chrome-path.js';
import { buildFrameworks } from '../scripts/build-frameworks.js';

const frameworks = ['react', 'vue', 'svelte', 'angular'];
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
const cec = { answer: '13', tokenBodies: [] };

const server = createServer(async (req, res) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  const json = (value) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(value));
  if (req.url === '/token') {
    cec.tokenBodies.push(JSON.parse(body));
    return json({ token: 'framework-token' });
  }
  const operation = req.url.match(/\/v1\/(\w+)/)?.[1];
  if (operation === 'checkClickToCallSupport') return json({ resultCode: '0', clickToCallSupported: true });
  if (operation === 'createClickToCall') return json({ resultCode: cec.answer, resultDesc: '' });
  if (operation) return json({ resultCode: '0', resultDesc: 'ClickToCall polled without any events' });
  const path = req.url.split('?')[0].replace(/\/$/, '/index.html');
  try {
    const file = await readFile(new URL(`../dist-frameworks${path}`, import.meta.url));
    res.writeHead(200, { 'Content-Type': types[extname(path)] ?? 'application/octet-stream' }).end(file);
  } catch {
    res.writeHead(404).end();
  }
});

let browser;
let origin;
before(async () => {
  await buildFrameworks(frameworks);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({ executablePath: chromePath(), args: chromeArgs });
});
after(async () => {
  await browser?.close();
  server.close();
});

describe('framework apps', () => {
  for (const framework of frameworks) {
    it(`${framework}: reacts to no-agents and call-started with its own event binding`, async () => {
      const tab = await browser.newPage();
      const errors = [];
      tab.on('pageerror', (error) => errors.push(error.message));
      cec.tokenBodies = [];
      cec.answer = '13';
      await tab.goto(`${origin}/${framework}/`);
      const output = tab.locator('output');
      await output.filter({ hasText: 'waiting' }).waitFor({ timeout: 5000 });
      await tab.getByRole('button', { name: 'Voice call' }).click();
      await output.filter({ hasText: `${framework}: no agents (13)` }).waitFor({ timeout: 5000 });
      cec.answer = '0';
      await tab.getByRole('button', { name: 'Voice call' }).click();
      await output.filter({ hasText: `${framework}: started voice` }).waitFor({ timeout: 5000 });
      assert.deepEqual(cec.tokenBodies[0], { context: { framework } }, 'the object property and the function property were set');
      assert.equal(await tab.getByRole('button').count(), 1, 'the media attribute was set');
      assert.deepEqual(errors, []);
      await tab.close();
    });
  }
});
