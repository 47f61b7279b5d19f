// A real WebRTC call through a real SIP server: the script-tag bundle in one headless Chromium page (the
// visitor; also Firefox ESR), a JsSIP agent registered as the access code in another, Debian's Kamailio between
// them, and a simulated CEC over real HTTP, all inside a network namespace of their own (loopback, and a veth
// pair for Firefox's ICE: scripts/isolated-network.sh).
// scripts/test.js runs this file under `unshare -n`; elsewhere it skips itself and says why.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { buildSync } from 'esbuild';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import { loadMocks, serveSimulatedSite } from '../../mocks/serve.js';
import { chromeArgs, chromePath } from '../../scripts/chrome-path.js';

const KAMAILIO = '/usr/sbin/kamailio';
const TURNSERVER = '/usr/bin/turnserver';
const NFT = '/usr/sbin/nft';
const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
// Inside the namespace scripts/isolated-network.sh makes: loopback and its own veth pair, nothing else.
const isolated = Object.keys(networkInterfaces()).every((name) => name === 'lo' || name.startsWith('ctc'));
const skip = !existsSync(KAMAILIO)
  ? 'Kamailio is not installed (apt-get install kamailio kamailio-websocket-modules)'
  : !isolated
    ? 'needs a network namespace of its own: run through `npm test` (or `npm run test:call`) as root (unshare -n)'
    : false;

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe's violations inside the element, as rule ids. */
async function axeViolations(page) {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => (await window.axe.run(document.querySelector('click-to-call'))).violations.map((v) => v.id));
}

const dist = (file) => readFileSync(new URL(`../../dist/${file}`, import.meta.url), 'utf8');
const mocks = await loadMocks();
/** The gateway the simulated CEC names: Kamailio, where the agent page registers as 1001. */
const gateway = (accessCode = '1001') => ({ domain: 'test.local', gwAddresses: ['ws://127.0.0.1:8080'], accessCode, clickToCallCaller: 'visitor' });
const dropsAtCec = () => cec.count(mocks.cecPath('dropClickToCall'));

/** TURN on loopback (coturn), and the credentials the visitor's element is given in `ice-servers`. */
const TURN = { port: 3478, relayPorts: '49160-49200', username: 'visitor', credential: 'turn-secret' };
const turnServers = [{ urls: `turn:127.0.0.1:${TURN.port}?transport=udp`, username: TURN.username, credential: TURN.credential }];

const visitorPage = (attributes = '') => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Visitor</title>
<link rel="icon" href="data:,"><script src="/click-to-call.iife.js"></script></head><body>
<click-to-call token-endpoint="${mocks.TOKEN_ENDPOINT}" poll-interval="100" ${attributes}></click-to-call>
<script>
  window.events = [];
  for (const type of ['call-started', 'call-error', 'call-queued', 'call-connected', 'call-active', 'call-ended', 'call-failed',
    'call-quality', 'call-reconnecting', 'call-reconnected'])
    document.addEventListener(type, (e) => events.push({ type, detail: e.detail, at: performance.now() }));
</script></body></html>`;

const agentPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Agent</title>
<link rel="icon" href="data:,"><script src="/jssip.js"></script></head><body><script>
  // Its Contact user is its number, so the SIP server can route in-dialog requests over its newest registration.
  const ua = new JsSIP.UA({ sockets: [new JsSIP.WebSocketInterface('ws://127.0.0.1:8080')], uri: 'sip:1001@test.local',
    contact_uri: 'sip:1001@agent.invalid;transport=ws', register: true, session_timers: false,
    connection_recovery_min_interval: 1, connection_recovery_max_interval: 2 });
  window.agent = { registered: false, registrations: 0, calls: [], ended: 0, byes: 0, reinvites: 0 };
  ua.on('registered', () => {
    agent.registered = true;
    agent.registrations++;
  });
  ua.on('newRTCSession', ({ session, originator, request }) => {
    if (originator !== 'remote') return;
    const video = request.body.includes('m=video');
    agent.calls.push({ session, caller: session.remote_identity.uri.user, dialled: request.to.uri.user, video });
    session.on('ended', ({ originator, message }) => {
      agent.ended++;
      if (originator === 'remote' && message?.method === 'BYE') agent.byes++;
    });
    session.on('reinvite', () => agent.reinvites++);
    session.answer({ mediaConstraints: { audio: true, video }, pcConfig: { iceServers: [] } });
    // Play the visitor's audio, so its energy is measured.
    session.connection.addEventListener('track', ({ streams }) => {
      const audio = new Audio();
      audio.srcObject = streams[0];
      audio.play();
    });
  });
  ua.start();
</script></body></html>`;

/** Run in the visitor's page before its scripts: keeps its peer connections and media streams for the test. */
function recordPeersAndStreams() {
  window.peers = [];
  window.streams = [];
  const Original = RTCPeerConnection;
  window.RTCPeerConnection = class extends Original {
    constructor(...args) {
      super(...args);
      window.peers.push(this);
    }
  };
  // The SIP WebSockets the element opens, to see JsSIP reconnect.
  window.sockets = [];
  const OriginalSocket = WebSocket;
  window.WebSocket = class extends OriginalSocket {
    constructor(...args) {
      super(...args);
      window.sockets.push(this);
    }
  };
  const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await getUserMedia(constraints);
    window.streams.push(stream);
    return stream;
  };
}

/** inbound-rtp of a peer connection, by kind. */
const inboundStats = async (pc) => {
  const found = {};
  (await pc.getStats()).forEach((report) => {
    if (report.type === 'inbound-rtp') found[report.kind] = report;
  });
  return {
    audioBytes: found.audio?.bytesReceived ?? 0,
    audioEnergy: found.audio?.totalAudioEnergy ?? 0,
    videoFrames: found.video?.framesDecoded ?? 0,
  };
};

/** Runs nft (nftables) with `args`, `input` on its standard input. */
const nft = (args, input) =>
  new Promise((resolve, reject) => {
    const child = spawn(NFT, args, { stdio: [input ? 'pipe' : 'ignore', 'ignore', 'pipe'] });
    let error = '';
    child.stderr.on('data', (chunk) => (error += chunk));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`nft ${args.join(' ')}: ${error}`))));
    child.stdin?.end(input);
  });
const noNft = !existsSync(NFT) && 'nftables is not installed (apt-get install nftables)';

let kamailio;
/** The simulated site and CEC (mocks/), serving the pages too. */
let cec;
let browser;
let origin;
let dir;

async function waitForPort(port) {
  for (let tries = 0; tries < 100; tries++) {
    const open = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1', () => resolve(socket.end() && true)).on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`port ${port} never opened`);
}

async function startKamailio() {
  kamailio = spawn(KAMAILIO, ['-DD', '-E', '-f', new URL('kamailio.cfg', import.meta.url).pathname, '-P', join(dir, 'pid'), '-Y', dir, '-m', '64', '-M', '8'], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  await waitForPort(8080);
}

async function stopKamailio() {
  const exited = new Promise((resolve) => kamailio.once('exit', resolve));
  kamailio.kill('SIGTERM');
  await exited;
}

describe('a real call through a SIP server', { skip }, () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctc-sip-'));
    await startKamailio();

    const jssip = buildSync({
      entryPoints: ['jssip'],
      bundle: true,
      minify: true,
      format: 'iife',
      globalName: 'JsSIP',
      platform: 'browser',
      write: false,
    }).outputFiles[0].text;
    const files = {
      '/visitor.html': ['text/html', visitorPage()],
      '/visitor-turn.html': ['text/html', visitorPage(`ice-servers='${JSON.stringify(turnServers)}'`)],
      '/agent.html': ['text/html', agentPage],
      '/jssip.js': ['text/javascript', jssip],
      '/click-to-call.iife.js': ['text/javascript', dist('click-to-call.iife.js')],
      '/click-to-call.call.js': ['text/javascript', dist('click-to-call.call.js')],
      '/click-to-call.media.js': ['text/javascript', dist('click-to-call.media.js')],
    };
    cec = await serveSimulatedSite(mocks, {}, { files });
    origin = cec.url;
    browser = await chromium.launch({
      executablePath: chromePath(),
      args: [...chromeArgs, '--allow-loopback-in-peer-connection', '--autoplay-policy=no-user-gesture-required'],
    });
  });

  after(async () => {
    await browser?.close();
    await cec?.close();
    kamailio?.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    cec.received.length = 0;
    cec.play({ queueMs: 150, gateway: gateway() });
  });

  /** An agent page registered at Kamailio, and a visitor page whose peer connections and streams are kept. */
  async function openPages(visitorPath = '/visitor.html') {
    const context = await browser.newContext({ permissions: ['microphone', 'camera'] });
    const agent = await context.newPage();
    await agent.goto(`${origin}/agent.html`);
    await agent.waitForFunction(() => window.agent.registered);
    const visitor = await context.newPage();
    await visitor.addInitScript(recordPeersAndStreams);
    await visitor.goto(`${origin}${visitorPath}`);
    return { context, agent, visitor };
  }

  const eventOf = (page, type) =>
    page.waitForFunction((t) => window.events.find((e) => e.type === t), type, { timeout: 15_000 }).then((h) => h.jsonValue());
  const visitorStats = (page) => page.evaluate(`(${inboundStats})(peers.at(-1))`);
  const agentStats = (page) => page.evaluate(`(${inboundStats})(agent.calls.at(-1).session.connection)`);
  const localTracks = (page) => page.evaluate(() => window.streams.flatMap((s) => s.getTracks().map((t) => t.readyState)));

  it('voice: audio flows both ways, and the visitor hangs up both legs', async () => {
    const { context, agent, visitor } = await openPages();
    await visitor.getByRole('button', { name: 'Voice call' }).click();
    const active = await eventOf(visitor, 'call-active');
    const connected = await eventOf(visitor, 'call-connected');
    console.log(`# call-connected → call-active: ${Math.round(active.at - connected.at)} ms`);
    assert.deepEqual(active.detail, { media: 'voice' });
    const call = await agent.evaluate(() => ({ caller: agent.calls[0].caller, dialled: agent.calls[0].dialled }));
    assert.deepEqual(call, { caller: 'visitor', dialled: '1001' });

    await visitor.waitForTimeout(1500);
    const [heard, said] = [await visitorStats(visitor), await agentStats(agent)];
    assert.ok(heard.audioBytes > 0 && heard.audioEnergy > 1e-4, `the visitor hears the agent: ${JSON.stringify(heard)}`);
    assert.ok(said.audioBytes > 0 && said.audioEnergy > 1e-4, `the agent hears the visitor: ${JSON.stringify(said)}`);
    assert.equal(await visitor.locator('click-to-call').getAttribute('state'), 'active');
    await visitor.getByRole('button', { name: 'Mute' }).click();
    assert.equal(await visitor.getByRole('button', { name: 'Mute' }).getAttribute('aria-pressed'), 'true');
    assert.match(await visitor.getByRole('timer').textContent(), /^0:0[1-9]$/);
    assert.deepEqual(await axeViolations(visitor), [], 'accessible while talking');

    await visitor.getByRole('button', { name: 'Hang up' }).click();
    const ended = await eventOf(visitor, 'call-ended');
    assert.deepEqual(ended.detail, { media: 'voice', by: 'local' });
    await agent.waitForFunction(() => agent.ended === 1);
    assert.equal(dropsAtCec(), 1, 'CEC was told');
    assert.deepEqual(await localTracks(visitor), ['ended']);
    await context.close();
  });

  it('call-quality: plausible figures on a clean call; half the UDP packets dropped turns it poor, and the visitor is told once', { skip: noNft }, async () => {
    const { context, visitor } = await openPages();
    await visitor.getByRole('button', { name: 'Voice call' }).click();
    await eventOf(visitor, 'call-active');
    const clean = (await eventOf(visitor, 'call-quality')).detail;
    console.log(`# clean loopback call: ${JSON.stringify(clean)}`);
    assert.equal(clean.level, 'good', JSON.stringify(clean));
    assert.ok(clean.rtt >= 0 && clean.rtt < 50 && clean.jitter >= 0 && clean.jitter < 40, `rtt and jitter of a loopback call: ${JSON.stringify(clean)}`);
    assert.ok(clean.packetLoss < 0.02 && clean.mos >= 4 && clean.mos <= 4.5, JSON.stringify(clean));
    const indicator = visitor.locator('click-to-call').locator('[part="quality"]');
    assert.equal(await indicator.getAttribute('aria-label'), 'Connection: good');
    assert.equal(await visitor.getByText('Your connection is weak.').count(), 0);

    // Every UDP packet crosses loopback's output hook once: half of them, each way, are dropped (Opus recovers a share).
    await nft(['-f', '-'], `table inet ctc_loss {
      chain output {
        type filter hook output priority 0; policy accept;
        meta l4proto udp numgen random mod 100 < 50 drop
      }
    }`);
    try {
      const poor = await visitor
        .waitForFunction(() => window.events.find((e) => e.type === 'call-quality' && e.detail.level === 'poor'), null, { timeout: 20_000 })
        .then((h) => h.jsonValue())
        .catch(async (error) => {
          const seen = await visitor.evaluate(() => window.events.filter((e) => e.type === 'call-quality').map((e) => e.detail));
          throw new Error(`${error.message}; call-quality so far: ${JSON.stringify(seen)}`);
        });
      console.log(`# half the UDP packets dropped: ${JSON.stringify(poor.detail)}`);
      assert.ok(poor.detail.packetLoss > 0.1 && poor.detail.mos < 3.1, JSON.stringify(poor.detail));
      assert.equal(await indicator.getAttribute('aria-label'), 'Connection: poor');
      assert.equal(await visitor.locator('click-to-call').getByRole('status').filter({ hasText: 'Your connection is weak.' }).count(), 1);
      assert.deepEqual(await axeViolations(visitor), [], 'accessible with a weak connection');
      assert.equal(await visitor.locator('click-to-call').getAttribute('state'), 'active', 'a weak call goes on');
    } finally {
      await nft(['delete', 'table', 'inet', 'ctc_loss']).catch(() => {});
    }
    await visitor.getByRole('button', { name: 'Hang up' }).click();
    await eventOf(visitor, 'call-ended');
    await context.close();
  });

  /** Audio bytes received on each side so far. */
  const audioBytes = async (agent, visitor) => ({ visitor: (await visitorStats(visitor)).audioBytes, agent: (await agentStats(agent)).audioBytes });
  /** Waits until both sides have received more audio than `before`. */
  async function audioFlowsAfter(agent, visitor, before) {
    for (let tries = 0; tries < 50; tries++) {
      const now = await audioBytes(agent, visitor);
      if (now.visitor > before.visitor + 2000 && now.agent > before.agent + 2000) return now;
      await visitor.waitForTimeout(100);
    }
    assert.fail(`audio does not flow both ways again: ${JSON.stringify({ before, now: await audioBytes(agent, visitor) })}`);
  }
  /** Cuts every media path between the browsers: UDP, and TCP but SIP over WebSocket, the site and `keep`. */
  const cutMedia = (keep = []) => {
    const ports = [8080, new URL(origin).port, ...keep].join(', ');
    return nft(['-f', '-'], `table inet ctc_cut {
      chain output {
        type filter hook output priority 0; policy accept;
        meta l4proto udp drop
        tcp dport { ${ports} } accept
        tcp sport { ${ports} } accept
        meta l4proto tcp drop
      }
    }`);
  };
  const restoreMedia = () => nft(['delete', 'table', 'inet', 'ctc_cut']).catch(() => {});
  const typesOf = (page) => page.evaluate(() => window.events.map((e) => e.type).filter((type) => type !== 'call-quality'));
  /** Waits for an ICE-restart re-INVITE at the agent; says what both sides saw if none comes. */
  const reinvited = (agent, visitor) =>
    agent.waitForFunction(() => agent.reinvites >= 1, null, { timeout: 8000 }).catch(async (error) => {
      const seen = await visitor.evaluate(() => ({
        events: window.events.filter((e) => e.type !== 'call-quality').map((e) => [e.type, e.detail, Math.round(e.at)]),
        ice: window.peers.map((pc) => pc.iceConnectionState),
      }));
      throw new Error(`${error.message}; agent ${JSON.stringify(await agent.evaluate(() => ({ ...agent, calls: agent.calls.length })))}; visitor ${JSON.stringify(seen)}`);
    });
  /** After the path is restored: call-reconnected, audio both ways again, and no other event. */
  async function comesBack(what, agent, visitor) {
    const before = await audioBytes(agent, visitor);
    const reconnected = await eventOf(visitor, 'call-reconnected');
    const gap = Math.round(reconnected.at - (await eventOf(visitor, 'call-reconnecting')).at);
    await audioFlowsAfter(agent, visitor, before);
    console.log(`# ${what}: reconnected ${gap} ms after call-reconnecting, ${await agent.evaluate(() => agent.reinvites)} re-INVITE(s)`);
    assert.deepEqual(await typesOf(visitor), ['call-started', 'call-queued', 'call-connected', 'call-active', 'call-reconnecting', 'call-reconnected']);
  }

  for (const side of ['visitor', 'agent'])
    it(`the SIP server restarted mid-call: the call stays active, audio flows both ways, and the ${side}'s hang-up ends both legs`, async () => {
      const { context, agent, visitor } = await openPages();
      await visitor.getByRole('button', { name: 'Voice call' }).click();
      await eventOf(visitor, 'call-active');
      await visitor.waitForTimeout(500);
      await stopKamailio();
      await visitor.waitForFunction(() => window.sockets.every((socket) => socket.readyState === WebSocket.CLOSED));
      await visitor.waitForTimeout(1500);
      assert.equal(await visitor.locator('click-to-call').getAttribute('state'), 'active', 'the SIP server is down: the call goes on');
      await startKamailio();
      // JsSIP reconnects both (every 1–2 s); the agent registers again, the visitor tells the agent its new
      // connection with a re-INVITE.
      await visitor.waitForFunction(() => window.sockets.at(-1).readyState === WebSocket.OPEN && window.sockets.length > 1, null, { timeout: 10_000 });
      await agent.waitForFunction(() => agent.registrations === 2, null, { timeout: 10_000 });
      await agent.waitForFunction(() => agent.reinvites === 1, null, { timeout: 10_000 });
      const before = await audioBytes(agent, visitor);
      const after = await audioFlowsAfter(agent, visitor, before);
      console.log(`# SIP server restarted: ${await visitor.evaluate(() => window.sockets.length)} WebSockets, audio bytes ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
      const [heard, said] = [await visitorStats(visitor), await agentStats(agent)];
      assert.ok(heard.audioEnergy > 1e-4 && said.audioEnergy > 1e-4, `audio both ways: ${JSON.stringify({ heard, said })}`);
      assert.equal(await visitor.locator('click-to-call').getAttribute('state'), 'active');
      assert.deepEqual(await typesOf(visitor), ['call-started', 'call-queued', 'call-connected', 'call-active'], 'nothing ended, nothing reconnecting: the media never broke');

      if (side === 'visitor') {
        await visitor.getByRole('button', { name: 'Hang up' }).click();
        assert.deepEqual((await eventOf(visitor, 'call-ended')).detail, { media: 'voice', by: 'local' });
        await agent.waitForFunction(() => agent.byes === 1, null, { timeout: 10_000 });
      } else {
        await agent.evaluate(() => agent.calls[0].session.terminate());
        assert.deepEqual((await eventOf(visitor, 'call-ended')).detail, { media: 'voice', by: 'remote' });
      }
      assert.equal(dropsAtCec(), 1, 'CEC was told');
      await context.close();
    });

  it('the media path cut mid-call: call-reconnecting and "Reconnecting…", ICE restarts by re-INVITE, and once the path is back, call-reconnected and audio both ways', { skip: noNft }, async () => {
    const { context, agent, visitor } = await openPages();
    await visitor.getByRole('button', { name: 'Voice call' }).click();
    await eventOf(visitor, 'call-active');
    await visitor.waitForTimeout(500);
    await cutMedia();
    try {
      const reconnecting = await eventOf(visitor, 'call-reconnecting');
      assert.deepEqual(reconnecting.detail, { media: 'voice' });
      const status = visitor.locator('click-to-call').getByRole('status').filter({ hasText: 'Reconnecting…' });
      await status.waitFor();
      assert.equal(await visitor.locator('click-to-call').getAttribute('state'), 'active');
      assert.deepEqual(await axeViolations(visitor), [], 'accessible while reconnecting');
      // At least one ICE restart while the path is still cut.
      await reinvited(agent, visitor);
      await visitor.waitForTimeout(1000);
    } finally {
      await restoreMedia();
    }
    await comesBack('media path cut', agent, visitor);
    assert.equal(await visitor.locator('click-to-call').getByText('Reconnecting…').count(), 0);
    await visitor.getByRole('button', { name: 'Hang up' }).click();
    await eventOf(visitor, 'call-ended');
    await agent.waitForFunction(() => agent.byes === 1);
    await context.close();
  });

  it('a network change: the media path cut while the SIP server restarts; restarts wait for the WebSocket, and the call comes back', { skip: noNft }, async () => {
    const { context, agent, visitor } = await openPages();
    try {
      await visitor.getByRole('button', { name: 'Voice call' }).click();
      await eventOf(visitor, 'call-active');
      await visitor.waitForTimeout(500);
      await cutMedia();
      await stopKamailio();
      try {
        await eventOf(visitor, 'call-reconnecting');
        // A restart due now finds no WebSocket: it waits for the next round rather than ending the call.
        await visitor.waitForTimeout(2500);
        assert.equal(await visitor.locator('click-to-call').getAttribute('state'), 'active');
        await startKamailio();
        await agent.waitForFunction(() => agent.registrations === 2, null, { timeout: 10_000 });
        await reinvited(agent, visitor);
      } finally {
        await restoreMedia();
      }
      await comesBack('network change', agent, visitor);
      await visitor.getByRole('button', { name: 'Hang up' }).click();
      await eventOf(visitor, 'call-ended');
      await agent.waitForFunction(() => agent.byes === 1);
    } finally {
      await context.close();
    }
  });

  it('the media path cut for good: call-failed (media-failed) 15 s after call-reconnecting, BYE to the agent, the call dropped at CEC', { skip: noNft }, async () => {
    const { context, agent, visitor } = await openPages();
    await visitor.getByRole('button', { name: 'Voice call' }).click();
    await eventOf(visitor, 'call-active');
    await cutMedia();
    try {
      const reconnecting = await eventOf(visitor, 'call-reconnecting');
      const failed = await visitor.waitForFunction(() => window.events.find((e) => e.type === 'call-failed'), null, { timeout: 25_000 }).then((h) => h.jsonValue());
      const waited = failed.at - reconnecting.at;
      console.log(`# media path cut for good: call-failed ${Math.round(waited)} ms after call-reconnecting: ${JSON.stringify(failed.detail)}`);
      assert.ok(waited >= 14_500 && waited < 17_000, `gave up after ${waited} ms`);
      assert.deepEqual(failed.detail, { media: 'voice', reason: 'media-failed', cause: 'the media connection was lost' });
      assert.equal(await visitor.locator('click-to-call').getAttribute('state'), 'error');
      await agent.waitForFunction(() => agent.byes === 1, null, { timeout: 5000 });
      await visitor.waitForFunction(() => window.streams.every((s) => s.getTracks().every((t) => t.readyState === 'ended')));
      assert.equal(dropsAtCec(), 1, 'CEC was told');
      assert.deepEqual(await typesOf(visitor), ['call-started', 'call-queued', 'call-connected', 'call-active', 'call-reconnecting', 'call-failed']);
    } finally {
      await restoreMedia();
    }
    await context.close();
  });

  it('video: frames are decoded both ways, and the agent hangs up both legs', async () => {
    const { context, agent, visitor } = await openPages();
    await visitor.getByRole('button', { name: 'Video call' }).click();
    await eventOf(visitor, 'call-active');
    assert.equal(await agent.evaluate(() => agent.calls[0].video), true);
    await visitor.waitForTimeout(1500);
    const [seen, shown] = [await visitorStats(visitor), await agentStats(agent)];
    assert.ok(seen.videoFrames > 0, `the visitor sees the agent: ${JSON.stringify(seen)}`);
    assert.ok(shown.videoFrames > 0, `the agent sees the visitor: ${JSON.stringify(shown)}`);
    const remoteWidth = await visitor.locator('click-to-call video[part="remote-video"]').evaluate((v) => v.videoWidth);
    assert.ok(remoteWidth > 0, 'the remote video is shown');
    assert.deepEqual(await axeViolations(visitor), [], 'accessible in a video call');

    await agent.evaluate(() => agent.calls[0].session.terminate());
    const ended = await eventOf(visitor, 'call-ended');
    assert.deepEqual(ended.detail, { media: 'video', by: 'remote' });
    await visitor.waitForFunction(() => window.streams.every((s) => s.getTracks().every((t) => t.readyState === 'ended')));
    assert.equal(dropsAtCec(), 1, 'CEC was told');
    await context.close();
  });

  it('CEC repeating its state on every poll, a stale "in queue" after connected, the gateway as one comma-joined string: one call, and it becomes active', async () => {
    cec.play({
      queueMs: 150,
      repeatState: true,
      lateQueued: true,
      eventId: 'string',
      gateway: { ...gateway(), gwAddresses: 'ws://127.0.0.1:1, ws://127.0.0.1:8080' },
    });
    const { context, agent, visitor } = await openPages();
    await visitor.getByRole('button', { name: 'Voice call' }).click();
    const active = await eventOf(visitor, 'call-active');
    assert.deepEqual(active.detail, { media: 'voice' });
    await visitor.waitForTimeout(1000); // polls keep repeating "connected"
    const types = await visitor.evaluate(() => window.events.map((e) => e.type));
    assert.deepEqual(types.filter((type) => type !== 'call-quality'), ['call-started', 'call-queued', 'call-connected', 'call-active']);
    assert.equal(await agent.evaluate(() => agent.calls.length), 1, 'one SIP call');
    assert.equal(await visitor.locator('click-to-call').getAttribute('state'), 'active');
    await visitor.getByRole('button', { name: 'Hang up' }).click();
    await eventOf(visitor, 'call-ended');
    await context.close();
  });

  it('a 404 from the SIP server fails the call with media-failed and drops it at CEC', async () => {
    cec.play({ queueMs: 150, gateway: gateway('1999') });
    const { context, visitor } = await openPages();
    await visitor.getByRole('button', { name: 'Voice call' }).click();
    const failed = await eventOf(visitor, 'call-failed');
    assert.equal(failed.detail.reason, 'media-failed');
    assert.equal(failed.detail.sipStatus, 404);
    assert.equal(await visitor.locator('click-to-call').getAttribute('state'), 'error');
    await visitor.waitForFunction(() => window.streams.every((s) => s.getTracks().every((t) => t.readyState === 'ended')));
    assert.equal(dropsAtCec(), 1, 'CEC was told');
    await context.close();
  });

  it('in Firefox ESR too: a video call with frames decoded both ways, the media path cut and restored (ICE restart), ended by the visitor', { skip: !existsSync(FIREFOX) && `Firefox ESR is not installed (${FIREFOX})` }, async () => {
    const firefox = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX,
      headless: true,
      extraPrefsFirefox: {
        'media.navigator.streams.fake': true,
        'media.navigator.permission.disabled': true,
        'media.autoplay.default': 0,
        // No mDNS here to resolve host addresses hidden behind .local names.
        'media.peerconnection.ice.obfuscate_host_addresses': false,
      },
    });
    const { context, agent } = await openPages();
    try {
      const visitor = await firefox.newPage();
      await visitor.evaluateOnNewDocument(recordPeersAndStreams);
      await visitor.goto(`${origin}/visitor.html`);
      await visitor.waitForFunction(() => document.querySelector('click-to-call')?.shadowRoot?.querySelector('button[part~="video-button"]'));
      await visitor.evaluate(() => document.querySelector('click-to-call').shadowRoot.querySelector('button[part~="video-button"]').click());
      const eventIn = (type) =>
        visitor
          .waitForFunction((t) => window.events.find((e) => e.type === t), { timeout: 15_000 }, type)
          .then((h) => h.jsonValue())
          .catch(async (error) => {
            throw new Error(`${error.message}; events so far: ${JSON.stringify(await visitor.evaluate(() => window.events))}`);
          });
      const active = await eventIn('call-active');
      const connected = await eventIn('call-connected');
      console.log(`# Firefox: call-connected → call-active: ${Math.round(active.at - connected.at)} ms`);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const seen = await visitor.evaluate(`(${inboundStats})(peers.at(-1))`);
      const shown = await agentStats(agent);
      assert.ok(seen.videoFrames > 0 && seen.audioBytes > 0, `Firefox receives the agent: ${JSON.stringify(seen)}`);
      assert.ok(shown.videoFrames > 0 && shown.audioBytes > 0, `the agent receives Firefox: ${JSON.stringify(shown)}`);
      // The media path cut and restored: Firefox restarts ICE by re-INVITE too.
      if (!noNft) {
        // The test drives Firefox over a TCP connection of its own: that one stays.
        await cutMedia([new URL(firefox.wsEndpoint()).port]);
        try {
          await visitor.waitForFunction(() => window.events.find((e) => e.type === 'call-reconnecting'), { timeout: 20_000 });
          await reinvited(agent, visitor);
        } finally {
          await restoreMedia();
        }
        const before = { visitor: (await visitor.evaluate(`(${inboundStats})(peers.at(-1))`)).audioBytes, agent: (await agentStats(agent)).audioBytes };
        const back = await eventIn('call-reconnected');
        const broke = await eventIn('call-reconnecting');
        console.log(`# Firefox: reconnected ${Math.round(back.at - broke.at)} ms after call-reconnecting`);
        let flowing = false;
        for (let tries = 0; tries < 50 && !flowing; tries++, await new Promise((resolve) => setTimeout(resolve, 100))) {
          const now = { visitor: (await visitor.evaluate(`(${inboundStats})(peers.at(-1))`)).audioBytes, agent: (await agentStats(agent)).audioBytes };
          flowing = now.visitor > before.visitor + 2000 && now.agent > before.agent + 2000;
        }
        assert.ok(flowing, 'audio flows both ways again');
      }
      await visitor.evaluate(() => document.querySelector('click-to-call').hangUp());
      const ended = await eventIn('call-ended');
      assert.deepEqual(ended.detail, { media: 'video', by: 'local' });
      await agent.waitForFunction(() => agent.ended === 1);
      assert.equal(dropsAtCec(), 1, 'CEC was told');
    } finally {
      await firefox.close();
      await context.close();
    }
  });

  it(
    'through TURN only: every direct path cut, the credentials in ice-servers get a relay, and audio flows both ways',
    { skip: (!existsSync(TURNSERVER) && 'coturn is not installed (apt-get install coturn)') || noNft },
    async () => {
      const turn = spawn(
        TURNSERVER,
        [
          '-n', '--no-cli', '--no-tls', '--no-dtls', '--fingerprint', '--lt-cred-mech', '--realm=test.local',
          `--user=${TURN.username}:${TURN.credential}`, '--listening-ip=127.0.0.1', '--relay-ip=127.0.0.1',
          `--listening-port=${TURN.port}`, `--min-port=${TURN.relayPorts.split('-')[0]}`, `--max-port=${TURN.relayPorts.split('-')[1]}`,
          '--allow-loopback-peers', '--verbose', '--simple-log', '--log-file=stdout',
          `--pidfile=${join(dir, 'turnserver.pid')}`, `--userdb=${join(dir, 'turndb')}`,
        ],
        { stdio: ['ignore', 'pipe', 'ignore'] },
      );
      let turnLog = '';
      turn.stdout.on('data', (chunk) => (turnLog += chunk));
      // Only TURN (and its relay ports), SIP over WebSocket and the site pass: no direct path between the two browsers.
      const http = new URL(origin).port;
      const ruleset = `table inet ctc_turn {
        chain output {
          type filter hook output priority 0; policy accept;
          udp dport { ${TURN.port}, ${TURN.relayPorts} } accept
          udp sport { ${TURN.port}, ${TURN.relayPorts} } accept
          meta l4proto udp drop
          tcp dport { 8080, ${TURN.port}, ${http} } accept
          tcp sport { 8080, ${TURN.port}, ${http} } accept
          meta l4proto tcp drop
        }
      }`;
      try {
        await waitForPort(TURN.port);
        await nft(['-f', '-'], ruleset);
        const { context, agent, visitor } = await openPages('/visitor-turn.html');
        await visitor.getByRole('button', { name: 'Voice call' }).click();
        const active = await eventOf(visitor, 'call-active');
        const connected = await eventOf(visitor, 'call-connected');
        console.log(`# through TURN: call-connected → call-active: ${Math.round(active.at - connected.at)} ms`);
        await visitor.waitForTimeout(1500);
        const [heard, said] = [await visitorStats(visitor), await agentStats(agent)];
        assert.ok(heard.audioBytes > 0 && heard.audioEnergy > 1e-4, `the visitor hears the agent: ${JSON.stringify(heard)}`);
        assert.ok(said.audioBytes > 0 && said.audioEnergy > 1e-4, `the agent hears the visitor: ${JSON.stringify(said)}`);
        const local = await visitor.evaluate(async () => {
          const stats = await window.peers.at(-1).getStats();
          const reports = [...stats.values()];
          const transport = reports.find((report) => report.type === 'transport' && report.selectedCandidatePairId);
          const pair = stats.get(transport.selectedCandidatePairId);
          const candidate = stats.get(pair.localCandidateId);
          return { type: candidate.candidateType, relayProtocol: candidate.relayProtocol ?? null, port: candidate.port };
        });
        assert.equal(local.type, 'relay', `the visitor's media goes through TURN: ${JSON.stringify(local)}`);
        const allocated = turnLog.split('\n').filter((line) => line.includes(`user <${TURN.username}>`) && /ALLOCATE processed, success/.test(line));
        assert.ok(allocated.length > 0, `coturn allocated for the credentials the element was given: ${turnLog.split('\n').slice(-5).join(' / ')}`);
        await visitor.getByRole('button', { name: 'Hang up' }).click();
        await eventOf(visitor, 'call-ended');
        await agent.waitForFunction(() => agent.ended === 1);
        await context.close();
      } finally {
        await nft(['delete', 'table', 'inet', 'ctc_turn']).catch(() => {});
        turn.kill('SIGTERM');
      }
    },
  );

  it('a denied microphone sends nothing to CEC', async () => {
    const denying = await chromium.launch({
      executablePath: chromePath(),
      args: chromeArgs.filter((arg) => arg !== '--use-fake-ui-for-media-stream'),
    });
    try {
      const page = await (await denying.newContext()).newPage();
      await page.goto(`${origin}/visitor.html`);
      // Hovering checks support ahead of the click; what matters is what the click sends.
      await page.getByRole('button', { name: 'Voice call' }).hover();
      await new Promise((resolve) => setTimeout(resolve, 300));
      cec.received.length = 0;
      await page.getByRole('button', { name: 'Voice call' }).click();
      const error = await eventOf(page, 'call-error');
      assert.equal(error.detail.reason, 'permission-denied');
      assert.deepEqual(cec.received, []);
    } finally {
      await denying.close();
    }
  });
});
