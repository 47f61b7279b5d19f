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
 * benchmark). Returns its URL, the upstream's call counts, and `close()`.
 */
export async function startUpstream(mocks, script = {}, { delayMs = 0 } = {}) {
  let upstream = mocks.simulatedCecUpstream(script);
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
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
    expireAccessTokens: () => upstream.expireAccessTokens(),
    /** A fresh simulated CEC playing `next`. */
    play: (next) => (upstream = mocks.simulatedCecUpstream(next)),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
