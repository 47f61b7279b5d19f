// The simulated CEC (mocks/handlers.ts: the handlers the browser tests and the demo use) served over node:http
// on 127.0.0.1, for the Node tests, the end-to-end tests and the benchmarks: the one simulation of CEC.
import { buildSync } from 'esbuild';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getResponse } from 'msw';

/** mocks/handlers.ts compiled for Node (msw stays a package import). */
export async function loadMocks() {
  // Inside the project, so that `msw` resolves from its node_modules.
  const outfile = join('node_modules', '.cache', 'click-to-call', `handlers-${process.pid}.mjs`);
  buildSync({ entryPoints: ['mocks/handlers.ts'], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile });
  return import(pathToFileURL(resolve(outfile)).href);
}

/**
 * Serves MSW `handlers` on 127.0.0.1. `files` (path → `[type, body]`, or a function giving it) answer first, as
 * the site's pages and scripts; `headers` go on every answer; `delayMs` delays every answer (a simulated
 * round trip). Returns its URL, every request it `received` (method, url, headers, body, `at` when), `use(handlers)` to
 * swap the handlers, `misbehave(answer)` — from then on `answer(req, res)` may answer first (it returns true
 * when it did) — and `close()`.
 */
export async function serveHandlers(handlers, { files = {}, headers = {}, delayMs = 0 } = {}) {
  let current = handlers;
  let misbehaviour;
  const received = [];
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    received.push({ method: req.method, url: req.url, headers: req.headers, body: body.toString('utf8'), at: Date.now() });
    if (misbehaviour && (await misbehaviour(req, res))) return;
    const file = files[req.url.split('?')[0]];
    if (file) {
      const [type, content] = typeof file === 'function' ? await file() : file;
      return res.writeHead(200, { ...headers, 'Content-Type': type }).end(content);
    }
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers: Object.entries(req.headers).filter(([, value]) => typeof value === 'string'),
      body: body.length ? body : undefined,
    });
    const response = await getResponse(current, request);
    if (delayMs) await new Promise((wake) => setTimeout(wake, delayMs));
    if (!response) return res.writeHead(404, headers).end();
    if (response.type === 'error') return res.destroy();
    res.writeHead(response.status, { ...headers, ...Object.fromEntries(response.headers) });
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise((listening) => server.listen(0, '127.0.0.1', listening));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    received,
    /** How many requests reached `path` (e.g. `/apigovernance/api/oauth/tokenByAkSk`). */
    count: (path) => received.filter((request) => request.url.split('?')[0] === path).length,
    use: (next) => (current = next),
    misbehave: (answer) => (misbehaviour = answer),
    close: () => {
      server.closeAllConnections();
      return new Promise((closed) => server.close(closed));
    },
  };
}

/** The simulated site and CEC as a browser sees them (`simulatedCec`); `play(script)` starts another script. */
export async function serveSimulatedSite(mocks, script = {}, options = {}) {
  const served = await serveHandlers(mocks.simulatedCec(script, '*'), options);
  return { ...served, play: (next) => served.use(mocks.simulatedCec(next, '*')) };
}

/**
 * CEC as the token service sees it (`simulatedCecUpstream`: tokenByAkSk, applyToken, the four operations),
 * with its call counts (`stats`), `expireAccessTokens()` and `play(script)`.
 */
export async function serveSimulatedUpstream(mocks, script = {}, options = {}) {
  let upstream = mocks.simulatedCecUpstream(script);
  const served = await serveHandlers(upstream.handlers, options);
  return {
    ...served,
    get stats() {
      return upstream.stats;
    },
    expireAccessTokens: () => upstream.expireAccessTokens(),
    play: (next) => served.use((upstream = mocks.simulatedCecUpstream(next)).handlers),
  };
}
