// The simulated CEC (mocks/handlers.ts, the same handlers the browser tests use) as a real HTTP server on
// 127.0.0.1, for the token service's tests and benchmark.
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
 * Serves `simulatedCecUpstream(script)` on 127.0.0.1. `delayMs` adds latency to every answer (for the
 * benchmark). Returns its URL, the upstream's call counts, every request it `received` (method, url, headers,
 * body), `misbehave(answer)` — from then on `answer(req, res)` may answer instead of the simulation (it
 * returns true when it did) — and `close()`.
 */
export async function startUpstream(mocks, script = {}, { delayMs = 0 } = {}) {
  let upstream = mocks.simulatedCecUpstream(script);
  let misbehaviour;
  const received = [];
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    received.push({ method: req.method, url: req.url, headers: req.headers, body: body.toString('utf8') });
    if (misbehaviour && (await misbehaviour(req, res))) return;
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers: Object.entries(req.headers).filter(([, value]) => typeof value === 'string'),
      body: body.length ? body : undefined,
    });
    const response = await getResponse(upstream.handlers, request);
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (!response || response.type === 'error') return res.destroy();
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    get stats() {
      return upstream.stats;
    },
    received,
    /** How many requests reached `path` (e.g. `/apigovernance/api/oauth/tokenByAkSk`). */
    count: (path) => received.filter((request) => request.url.split('?')[0] === path).length,
    misbehave: (answer) => (misbehaviour = answer),
    expireAccessTokens: () => upstream.expireAccessTokens(),
    /** A fresh simulated CEC playing `next`. */
    play: (next) => (upstream = mocks.simulatedCecUpstream(next)),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
