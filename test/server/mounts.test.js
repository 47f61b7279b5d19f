// The library mounted where sites mount it: node:http, a real Express 5 app (with a JSON body parser before
// it), and Vite's dev server as `npm start` runs it. Each carries a whole call: token, create, poll, drop.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { spawn } from 'node:child_process';
import express from 'express';
import { createTokenService } from '../../dist/server/index.js';
import { closeAll, collectingLogger, MOUNT, post, PUBLIC_ORIGIN, track } from './harness.js';
import { freePort } from '../../scripts/redis-server.js';
import { loadMocks, serveSimulatedUpstream } from '../../mocks/serve.js';

const mocks = await loadMocks();
after(closeAll);

const serviceFor = async (lines = []) => {
  const upstream = track(await serveSimulatedUpstream(mocks, { queueMs: 0 }));
  return createTokenService({ baseUrl: upstream.url, ...mocks.upstreamCredentials, channelId: 'web-1', publicOrigin: PUBLIC_ORIGIN, logger: collectingLogger(lines) });
};

/** Listens on a free loopback port; the base URL. */
async function listen(server) {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  track({ close: () => (server.closeAllConnections(), new Promise((resolve) => server.close(resolve))) });
  return `http://127.0.0.1:${server.address().port}`;
}

/** A whole call through the service at `base`, as the element makes it: every answer's status and resultCode. */
async function placeCall(base, origin = PUBLIC_ORIGIN) {
  const headers = { Origin: origin };
  const grant = await fetch(`${base}${MOUNT}/token`, post({}, headers));
  assert.equal(grant.status, 200);
  const withToken = { ...headers, 'ccmessaging-token': (await grant.json()).token };
  const results = [];
  for (const [path, init] of [
    ['/v1/createClickToCall', post({ channel: 'WEB', mediaAbility: '0' }, withToken)],
    ['/v1/getClickToCallEvents?channel=WEB', { headers: withToken }],
    ['/v1/dropClickToCall', post({ channel: 'WEB' }, withToken)],
  ]) {
    const answer = await fetch(`${base}${MOUNT}${path}`, init);
    results.push([answer.status, (await answer.json()).resultCode]);
  }
  return results;
}
const wholeCall = [
  [200, '0'],
  [200, '0'],
  [200, '0'],
];

describe('mounting the token service', () => {
  it('works as a node:http handler, answering 404 for what is not its own', async () => {
    const base = await listen(createServer(await serviceFor()));
    assert.deepEqual(await placeCall(base), wholeCall);
    assert.equal((await fetch(`${base}/elsewhere`)).status, 404);
  });

  it('works in an Express 5 app after express.json(), handing other paths on with next()', async () => {
    const app = express();
    app.use(express.json());
    app.get('/shop', (_req, res) => res.send('the shop'));
    app.use(await serviceFor());
    app.use((_req, res) => res.status(404).send('the app\'s own 404'));
    const base = await listen(createServer(app));
    assert.deepEqual(await placeCall(base), wholeCall);
    assert.equal(await (await fetch(`${base}/shop`)).text(), 'the shop');
    assert.equal(await (await fetch(`${base}/elsewhere`)).text(), 'the app\'s own 404');
    const malformed = await fetch(`${base}${MOUNT}/v1/createClickToCall`, post({ channel: 'WEB', mediaAbility: '7' }, { Origin: PUBLIC_ORIGIN, 'ccmessaging-token': 't' }));
    assert.equal(malformed.status, 400, 'the parsed body is still checked');
    const typed = await fetch(`${base}${MOUNT}/token`, { method: 'POST', headers: { Origin: PUBLIC_ORIGIN, 'Content-Type': 'text/plain' }, body: '{}' });
    assert.equal(typed.status, 415, 'a body express.json() left alone is read, and refused');
  });

  it("works in Vite's dev server, as npm start mounts it", async () => {
    // Its own process, as `npm start`: the simulated CEC it embeds would catch this process's requests too.
    const port = await freePort();
    const vite = spawn(process.execPath, ['node_modules/vite/bin/vite.js', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
      env: { PATH: process.env.PATH },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    track({ close: () => (vite.kill(), new Promise((resolve) => (vite.exitCode === null ? vite.once('exit', resolve) : resolve()))) });
    await new Promise((resolve) => vite.stdout.on('data', (chunk) => String(chunk).includes(`127.0.0.1:${port}`) && resolve()));
    const base = `http://127.0.0.1:${port}`;
    assert.deepEqual(await placeCall(base, base), wholeCall);
  });

  it('logs a JSON line per request with the request id it answers in X-Request-Id', async () => {
    const lines = [];
    const base = await listen(createServer(await serviceFor(lines)));
    const answer = await fetch(`${base}${MOUNT}/token`, post({}, { Origin: PUBLIC_ORIGIN }));
    const id = answer.headers.get('x-request-id');
    assert.match(id, /^[0-9a-f-]{36}$/);
    const line = JSON.parse(lines.at(-1).replace(/^\w+ /, ''));
    assert.equal(line.name, 'click-to-call');
    assert.equal(line.requestId, id);
    assert.equal(line.method, 'POST');
    assert.equal(line.path, `${MOUNT}/token`);
    assert.equal(line.status, 200);
    assert.equal(typeof line.ms, 'number');
    // From a client that is not a trusted proxy, X-Request-Id is not believed.
    const given = await fetch(`${base}${MOUNT}/token`, post({}, { Origin: PUBLIC_ORIGIN, 'X-Request-Id': 'forged-id' }));
    assert.notEqual(given.headers.get('x-request-id'), 'forged-id');
  });
});
