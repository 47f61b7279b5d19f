// React 19, Vue 3, Svelte 5 and Angular 21 apps (demo/frameworks/) built with the npm entry and driven in Chromium: each sets
// attributes, an object property and a function property, and reacts to call-started and no-agents through its
// own event binding.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { loadMocks, serveSimulatedSite } from '../mocks/serve.js';
import { buildFrameworks } from '../scripts/build-frameworks.js';
import { chromeArgs, chromePath } from '../scripts/chrome-path.js';

const frameworks = ['react', 'vue', 'svelte', 'angular'];
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
const mocks = await loadMocks();

/** Every file of the built apps (dist-frameworks/), by URL path. */
async function appFiles() {
  const root = new URL('../dist-frameworks/', import.meta.url).pathname;
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = {};
  for (const entry of entries.filter((entry) => entry.isFile())) {
    const path = `/${join(entry.parentPath ?? entry.path, entry.name).slice(root.length)}`;
    const file = [types[extname(path)] ?? 'application/octet-stream', await readFile(join(root, path))];
    files[path] = file;
    if (path.endsWith('/index.html')) files[path.slice(0, -'index.html'.length)] = file;
  }
  return files;
}

let browser;
let server;
before(async () => {
  await buildFrameworks(frameworks);
  server = await serveSimulatedSite(mocks, {}, { files: await appFiles() });
  browser = await chromium.launch({ executablePath: chromePath(), args: chromeArgs });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

describe('framework apps', () => {
  for (const framework of frameworks) {
    it(`${framework}: reacts to no-agents and call-started with its own event binding`, async () => {
      const tab = await browser.newPage();
      const errors = [];
      tab.on('pageerror', (error) => errors.push(error.message));
      server.received.length = 0;
      server.play({ create: 'no-agents' });
      await tab.goto(`${server.url}/${framework}/`);
      const output = tab.locator('output');
      await output.filter({ hasText: 'waiting' }).waitFor({ timeout: 5000 });
      await tab.getByRole('button', { name: 'Voice call' }).click();
      await output.filter({ hasText: `${framework}: no agents (13)` }).waitFor({ timeout: 5000 });
      server.play({});
      await tab.getByRole('button', { name: 'Voice call' }).click();
      await output.filter({ hasText: `${framework}: started voice` }).waitFor({ timeout: 5000 });
      const [tokenRequest] = server.received.filter((request) => request.url === mocks.TOKEN_ENDPOINT);
      assert.deepEqual(JSON.parse(tokenRequest.body), { context: { framework } }, 'the object property and the function property were set');
      assert.equal(await tab.getByRole('button').count(), 1, 'the media attribute was set');
      assert.deepEqual(errors, []);
      await tab.close();
    });
  }
});
