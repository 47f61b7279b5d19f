// `npm run bench` (`-- --quick` for a short run): what <click-to-call> costs a page and how fast a call starts,
// measured in headless Chromium against real HTTP on 127.0.0.1. Prints a table and writes bench/results.json.
// Never a pass/fail on timing: it reports.
import { chromium } from 'playwright-core';
import { pino } from 'pino';
import { createServer } from 'node:http';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { chromeArgs, chromePath } from '../scripts/chrome-path.js';
import { createTokenService } from '../dist/server/index.js';
import { loadMocks, serveSimulatedSite, serveSimulatedUpstream } from '../mocks/serve.js';

const quick = process.argv.includes('--quick');
const R = 50; // simulated round-trip time, ms
const results = { quick, date: new Date().toISOString(), rttMs: R };
const dist = (file) => readFileSync(new URL(`../dist/${file}`, import.meta.url));

// 1. Sizes
const size = (buffer) => ({
  raw: buffer.length,
  gzip: gzipSync(buffer, { level: 9 }).length,
  brotli: brotliCompressSync(buffer, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
});
const esm = Buffer.concat(['index.js', ...readdirSync('dist').filter((f) => /^element-.*\.js$/.test(f))].map(dist));
results.sizes = {
  'click-to-call.iife.js': size(dist('click-to-call.iife.js')),
  'ES entry (index + element chunk)': size(esm),
  'click-to-call.call.js': size(dist('click-to-call.call.js')),
  'click-to-call.media.js': size(dist('click-to-call.media.js')),
  'click-to-call.after-call.js': size(dist('click-to-call.after-call.js')),
  ...Object.fromEntries(readdirSync('dist/locales').filter((f) => f.endsWith('.js')).map((f) => [`locales/${f}`, size(dist(`locales/${f}`))])),
};

// The simulated site and CEC (mocks/), every answer after R ms; the pages and the bundle at once.
const mocks = await loadMocks();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const page = (elements, extra = '') => `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<script>window.t0 = performance.now();</script><script src="/click-to-call.iife.js"></script></head><body>
${`<click-to-call token-endpoint="${mocks.TOKEN_ENDPOINT}" media-engine="none"></click-to-call>\n`.repeat(elements)}${extra}</body></html>`;
const files = {
  '/page/0': ['text/html', page(0)],
  '/page/1': ['text/html', page(1)],
  '/page/100': ['text/html', page(100)],
  '/page/leave-message': ['text/html', page(0, `<click-to-call token-endpoint="${mocks.TOKEN_ENDPOINT}" media-engine="none" leave-message></click-to-call>`)],
  '/click-to-call.after-call.js': ['text/javascript', dist('click-to-call.after-call.js')],
  '/click-to-call.iife.js': ['text/javascript', dist('click-to-call.iife.js')],
  '/click-to-call.call.js': ['text/javascript', dist('click-to-call.call.js')],
  '/click-to-call.media.js': ['text/javascript', dist('click-to-call.media.js')],
};
const cec = await serveSimulatedSite(mocks, { queueMs: 60_000 }, { files, delayMs: R });
/** When createClickToCall requests reached CEC, and how many polls, since `since`. */
const creates = (since) => cec.received.filter((r) => r.at >= since && r.url === mocks.cecPath('createClickToCall')).map((r) => r.at);
const polls = () => cec.count(mocks.cecPath('getClickToCallEvents'));
const origin = cec.url;
// MSW's first answers in a process are slow (its code warms up): not what a click should be charged with.
for (let i = 0; i < 20; i++) {
  const { token } = await (await fetch(`${origin}${mocks.TOKEN_ENDPOINT}`, { method: 'POST' })).json();
  await fetch(`${origin}${mocks.cecPath('checkClickToCallSupport')}?channel=WEB`, { headers: { 'ccmessaging-token': token } });
}
cec.received.length = 0;
const browser = await chromium.launch({ executablePath: chromePath(), args: chromeArgs });

async function open(path) {
  const tab = await browser.newPage();
  const cdp = await tab.context().newCDPSession(tab);
  await cdp.send('Performance.enable');
  await tab.addInitScript(() => {
    // When the click reached the page (Date.now(), the server's clock too): Playwright's own overhead stays out.
    addEventListener('click', () => (window.clickedAt = Date.now()), true);
    window.longTasks = [];
    new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask', buffered: true });
  });
  await tab.goto(`${origin}${path}`);
  const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  return { tab, cdp, metrics };
}

// 2. Page cost, for 1 and 100 elements
results.page = {};
for (const elements of [1, 100]) {
  const { tab, metrics } = await open(`/page/${elements}`);
  const firstButton = await tab.evaluate(async () => {
    const el = document.querySelector('click-to-call');
    await el.updateComplete;
    await new Promise((resolve) => requestAnimationFrame(resolve));
    return performance.now() - window.t0;
  });
  await sleep(300);
  const m = await metrics();
  results.page[`${elements} element${elements > 1 ? 's' : ''}`] = {
    scriptToFirstButtonMs: +firstButton.toFixed(1),
    mainThreadMs: +((m.TaskDuration ?? 0) * 1000).toFixed(1),
    scriptMs: +((m.ScriptDuration ?? 0) * 1000).toFixed(1),
    longTasks: await tab.evaluate(() => window.longTasks.length),
    requestsBeforeInteraction: 0,
  };
  await tab.close();
}

// 3. Click latency, as multiples of R
const heard = (tab, type) => tab.evaluate((t) => new Promise((resolve) => document.addEventListener(t, () => resolve(Date.now()), { once: true })), type);
async function click(tab, before) {
  const started = heard(tab, 'call-started');
  await before?.();
  await tab.locator('click-to-call button').first().click({ noWaitAfter: true });
  const startedAt = await started;
  const at = await tab.evaluate(() => window.clickedAt);
  return { create: (creates(at)[0] - at) / R, started: (startedAt - at) / R };
}
const hangUp = (tab) => tab.evaluate(() => document.querySelector('click-to-call').hangUp());
results.clickLatencyInR = {};
{
  const { tab } = await open('/page/1');
  // (a) cold: nothing fetched before the click (a click with no hover or focus before it)
  const started = heard(tab, 'call-started');
  const at = await tab.evaluate(() => {
    const clickedAt = Date.now();
    document.querySelector('click-to-call').shadowRoot.querySelector('button').click();
    return clickedAt;
  });
  const startedAt = await started;
  results.clickLatencyInR.cold = { create: +((creates(at)[0] - at) / R).toFixed(2), started: +((startedAt - at) / R).toFixed(2) };
  await hangUp(tab);
  // (b) warm: token and support verdict cached by the last call
  const warm = await click(tab);
  results.clickLatencyInR.warm = { create: +warm.create.toFixed(2), started: +warm.started.toFixed(2) };
  await hangUp(tab);
  await tab.close();
  // (c) hovered first, on a fresh page
  const fresh = await open('/page/1');
  const hovered = await click(fresh.tab, async () => {
    await fresh.tab.locator('click-to-call button').first().hover();
    await sleep(3 * R);
  });
  results.clickLatencyInR.hovered = { create: +hovered.create.toFixed(2), started: +hovered.started.toFixed(2) };
  await hangUp(fresh.tab);
  await fresh.tab.close();
}

// 3b. No agent free: how long after no-agents the message form shows (its chunk is fetched while CEC is asked)
{
  cec.play({ create: 'no-agents' });
  const { tab } = await open('/page/leave-message');
  const shown = await tab.evaluate(
    () =>
      new Promise((resolve) => {
        const el = document.querySelector('click-to-call');
        let noAgentsAt;
        el.addEventListener('no-agents', () => (noAgentsAt = performance.now()));
        const clickedAt = performance.now();
        new MutationObserver((_, observer) => {
          if (!el.shadowRoot.querySelector('.panel form')) return;
          observer.disconnect();
          resolve({ afterNoAgentsMs: performance.now() - noAgentsAt, afterClickMs: performance.now() - clickedAt });
        }).observe(el.shadowRoot, { childList: true, subtree: true });
        el.shadowRoot.querySelector('button').click();
      }),
  );
  results.messageForm = { afterNoAgentsMs: +shown.afterNoAgentsMs.toFixed(1), afterClickInR: +(shown.afterClickMs / R).toFixed(2) };
  cec.play({ queueMs: 60_000 });
  await tab.close();
}

// While talking: what the microphone meter costs (Web Audio readings ten times a second and the indicators' state;
// the fake microphone beeps), with the media engine as the element loads it.
{
  const seconds = quick ? 3 : 15;
  const { tab, metrics } = await open('/page/0');
  await tab.evaluate(async () => {
    const engine = await import('/click-to-call.media.js');
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    const state = new engine.IndicatorState(() => window.renders++);
    window.renders = 0;
    window.stopMeter = engine.watchMicLevel(stream, (level) => state.micLevel(level, false));
  });
  const before = await metrics();
  const rendersBefore = await tab.evaluate(() => window.renders);
  await sleep(seconds * 1000);
  const after = await metrics();
  const renders = (await tab.evaluate(() => window.renders)) - rendersBefore;
  await tab.evaluate(() => window.stopMeter());
  results.micMeter = {
    cpuMsPerMinute: +((((after.TaskDuration - before.TaskDuration) * 1000) * 60) / seconds).toFixed(1),
    rendersPerSecond: +(renders / seconds).toFixed(1),
  };
  await tab.close();
}

// 4. While queued: polling cost
{
  const seconds = quick ? 3 : 15;
  const { tab, metrics } = await open('/page/1');
  await tab.evaluate(() => document.querySelector('click-to-call').start('voice'));
  await sleep(2 * R);
  const pollsBefore = polls();
  const before = await metrics();
  await sleep(seconds * 1000);
  const after = await metrics();
  results.queued = {
    requestsPerMinute: Math.round(((polls() - pollsBefore) * 60) / seconds),
    cpuMsPerMinute: +((((after.TaskDuration - before.TaskDuration) * 1000) * 60) / seconds).toFixed(1),
  };
  await hangUp(tab);
  await tab.close();
}

// 5. Memory: create → click → remove mid-request, many times, then garbage collection
{
  const cycles = quick ? 100 : 1000;
  const { tab, cdp, metrics } = await open('/page/0');
  await tab.evaluate(() => {
    // Count live timers: a leak would leave some behind.
    const live = new Set();
    const { setTimeout: set, clearTimeout: clear, setInterval: every, clearInterval: stop } = window;
    window.setTimeout = (fn, ms, ...a) => { const id = set((...b) => { live.delete(id); if (typeof fn === 'function') fn(...b); }, ms, ...a); live.add(id); return id; };
    window.clearTimeout = (id) => { live.delete(id); clear(id); };
    window.setInterval = (fn, ms, ...a) => { const id = every(fn, ms, ...a); live.add(id); return id; };
    window.clearInterval = (id) => { live.delete(id); stop(id); };
    window.liveTimers = () => live.size;
  });
  const snapshot = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const m = await metrics();
    return { jsHeapUsedKB: Math.round(m.JSHeapUsedSize / 1024), nodes: m.Nodes, listeners: m.JSEventListeners, timers: await tab.evaluate(() => window.liveTimers()) };
  };
  await tab.evaluate(async (tokenEndpoint) => {
    const el = document.createElement('click-to-call');
    el.setAttribute('token-endpoint', tokenEndpoint);
    el.setAttribute('media-engine', 'none');
    document.body.append(el);
    await el.updateComplete;
    el.remove();
  }, mocks.TOKEN_ENDPOINT);
  await sleep(2 * R);
  const before = await snapshot();
  await tab.evaluate(async ([n, tokenEndpoint]) => {
    for (let i = 0; i < n; i++) {
      const el = document.createElement('click-to-call');
      el.setAttribute('token-endpoint', tokenEndpoint);
      el.setAttribute('media-engine', 'none');
      document.body.append(el);
      await el.updateComplete;
      el.shadowRoot.querySelector('button').click();
      await new Promise((resolve) => setTimeout(resolve, 1));
      el.remove();
    }
  }, [cycles, mocks.TOKEN_ENDPOINT]);
  await sleep(4 * R);
  const after = await snapshot();
  results.memory = { cycles, before, after };
  await tab.close();
}

// 6. Soak: sequential calls through the token service and the simulated CEC
{
  const calls = quick ? 30 : 500;
  const upstream = await serveSimulatedUpstream(mocks, { queueMs: 0 });
  let service;
  const site = createServer((req, res) =>
    req.url === '/' || req.url.startsWith('/click-to-call.')
      ? res.writeHead(200, { 'Content-Type': req.url === '/' ? 'text/html' : 'text/javascript' }).end(
          req.url === '/' ? page(0) : dist(req.url.slice(1)),
        )
      : service(req, res),
  );
  await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${site.address().port}`;
  service = createTokenService({
    baseUrl: upstream.url,
    ...mocks.upstreamCredentials,
    channelId: 'soak',
    publicOrigin: origin,
    rateLimit: 1e9,
    rateLimitPoll: 1e9,
    logger: pino({ level: 'error' }),
  });
  const tab = await browser.newPage();
  await tab.goto(`${origin}/`);
  const errors = await tab.evaluate(async (n) => {
    const el = document.createElement('click-to-call');
    el.setAttribute('token-endpoint', '/apiaccess/ccmessaging/token');
    el.setAttribute('media-engine', 'none');
    el.setAttribute('poll-interval', '20');
    document.body.append(el);
    let failures = 0;
    for (let i = 0; i < n; i++) {
      const result = await el.start('voice');
      if (result?.type !== 'call-started') failures++;
      const ended = await el.hangUp();
      if (ended?.type !== 'call-ended') failures++;
    }
    return failures;
  }, calls);
  await tab.close();
  const sockets = await new Promise((resolve) => site.getConnections((_, count) => resolve(count)));
  results.soak = { calls, errors, openSocketsAfter: sockets, serviceHeapMB: +(process.memoryUsage().heapUsed / 2 ** 20).toFixed(1) };
  site.close();
  await upstream.close();
}

await browser.close();
await cec.close();

// Report
const kb = (bytes) => (bytes / 1000).toFixed(2);
console.log(`\n<click-to-call> benchmark${quick ? ' (--quick)' : ''}, headless Chromium, 127.0.0.1, R = ${R} ms\n`);
console.log('| file | min | gzip | brotli |\n|---|---|---|---|');
for (const [file, s] of Object.entries(results.sizes)) console.log(`| ${file} | ${kb(s.raw)} kB | ${kb(s.gzip)} kB | ${kb(s.brotli)} kB |`);
console.log('\n| page | script → first button | main thread | script | long tasks |\n|---|---|---|---|---|');
for (const [name, p] of Object.entries(results.page)) console.log(`| ${name} | ${p.scriptToFirstButtonMs} ms | ${p.mainThreadMs} ms | ${p.scriptMs} ms | ${p.longTasks} |`);
console.log('\n| click | → createClickToCall received | → call-started |\n|---|---|---|');
for (const [name, c] of Object.entries(results.clickLatencyInR)) console.log(`| ${name} | ${c.create} R | ${c.started} R |`);
console.log(`\nNo agent free: the message form shows ${results.messageForm.afterNoAgentsMs} ms after no-agents (${results.messageForm.afterClickInR} R after the click)`);
console.log(`\nWhile queued: ${results.queued.requestsPerMinute} requests/min, ${results.queued.cpuMsPerMinute} ms CPU/min`);
console.log(`While talking, the microphone meter: ${results.micMeter.cpuMsPerMinute} ms CPU/min, ${results.micMeter.rendersPerSecond} renders/s asked`);
const { before, after, cycles } = results.memory;
console.log(`Memory after ${cycles} create → click → remove: heap ${before.jsHeapUsedKB} → ${after.jsHeapUsedKB} kB, nodes ${before.nodes} → ${after.nodes}, listeners ${before.listeners} → ${after.listeners}, timers ${before.timers} → ${after.timers}`);
console.log(`Soak: ${results.soak.calls} calls, ${results.soak.errors} errors, ${results.soak.openSocketsAfter} sockets open after, service heap ${results.soak.serviceHeapMB} MB`);
writeFileSync(new URL('results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
