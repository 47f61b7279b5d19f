// The demo as a newcomer runs it (`npm start`: Vite's dev server with the token service, the simulated CEC and
// the SIP relay): the agent console answers by itself, a click on "Video call" reaches `active`, the agent's
// picture plays in the `remote-video` part, and hanging up on either side ends both. In Chromium, and in Firefox
// ESR when installed (puppeteer over WebDriver BiDi), each with fake devices.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import { chromeArgs, chromePath } from '../scripts/chrome-path.js';
import { freePort } from '../scripts/redis-server.js';

const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

let vite;
let origin;
before(async () => {
  const port = await freePort();
  vite = spawn(process.execPath, ['node_modules/vite/bin/vite.js', '--port', String(port), '--strictPort'], {
    env: { PATH: process.env.PATH },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    vite.stdout.on('data', (chunk) => String(chunk).includes(`:${port}`) && resolve());
    vite.on('exit', (code) => reject(new Error(`vite exited with ${code}`)));
  });
  origin = `http://localhost:${port}`;
});
after(() => vite?.kill());

/** The two browsers, each behind the same small interface: open a page, evaluate in it, close. */
const engines = {
  chromium: {
    skip: false,
    async launch() {
      const browser = await chromium.launch({ executablePath: chromePath(), args: [...chromeArgs, '--autoplay-policy=no-user-gesture-required'] });
      return {
        open: async (url) => {
          const page = await browser.newPage();
          await page.goto(url);
          return { evaluate: (fn, arg) => page.evaluate(fn, arg), waitFor: (fn, arg, timeout) => page.waitForFunction(fn, arg, { timeout, polling: 50 }) };
        },
        close: () => browser.close(),
      };
    },
  },
  firefox: {
    skip: existsSync(FIREFOX) ? false : `Firefox ESR is not installed (${FIREFOX})`,
    async launch() {
      const browser = await puppeteer.launch({
        browser: 'firefox',
        executablePath: FIREFOX,
        headless: true,
        extraPrefsFirefox: { 'media.navigator.streams.fake': true, 'media.navigator.permission.disabled': true, 'media.autoplay.default': 0 },
      });
      return {
        open: async (url) => {
          const page = await browser.newPage();
          await page.goto(url);
          return { evaluate: (fn, arg) => page.evaluate(fn, arg), waitFor: (fn, arg, timeout) => page.waitForFunction(fn, { timeout, polling: 50 }, arg) };
        },
        close: () => browser.close(),
      };
    },
  },
};

/** What the element on `/` (`id="call"`) did: its state, its events with their times, its remote video's frames. */
const callOf = () => {
  const call = document.getElementById('call');
  const video = call.shadowRoot.querySelector('video[part~="remote-video"]');
  return {
    state: call.state,
    events: window.heard,
    remoteWidth: video?.videoWidth ?? 0,
    remoteFrames: video ? video.getVideoPlaybackQuality().totalVideoFrames || video.mozPaintedFrames || 0 : 0,
  };
};

for (const [name, engine] of Object.entries(engines)) {
  describe(`the demo in ${name}`, { skip: engine.skip }, () => {
    let browser;
    before(async () => (browser = await engine.launch()));
    after(() => browser?.close());

    async function openDemo() {
      const page = await browser.open(`${origin}/`);
      await page.waitFor(() => customElements.get('click-to-call') && document.getElementById('call')?.shadowRoot?.querySelector('button'), undefined, 30_000);
      await page.evaluate(() => {
        window.heard = [];
        for (const type of ['call-connected', 'call-active', 'call-ended', 'call-failed', 'call-error']) {
          document.addEventListener(type, (event) => window.heard.push({ type, at: performance.now(), detail: event.detail }));
        }
      });
      return page;
    }
    const clickVideo = (page) => page.evaluate(() => document.getElementById('call').shadowRoot.querySelector('button[part~="video-button"]').click());

    it('places a video call the agent console answers, with its picture playing, and ends it from either side', async () => {
      const agent = await browser.open(`${origin}/demo/agent.html?auto-answer=1`);
      await agent.waitFor(() => window.agent?.registered, undefined, 30_000);
      const visitor = await openDemo();
      for (const hangUpFrom of ['visitor', 'agent']) {
        const before = await agent.evaluate(() => window.agent.ended);
        await clickVideo(visitor);
        await visitor.waitFor(() => document.getElementById('call').state === 'active', undefined, 10_000).catch(async (error) => {
          throw new Error(`${error.message}: ${JSON.stringify(await visitor.evaluate(callOf))}, agent ${JSON.stringify(await agent.evaluate(() => window.agent))}`);
        });
        await visitor.waitFor(() => {
          const video = document.getElementById('call').shadowRoot.querySelector('video[part~="remote-video"]');
          // Headless Firefox paints few frames and counts them as mozPaintedFrames.
          return video.videoWidth > 0 && (video.getVideoPlaybackQuality().totalVideoFrames || video.mozPaintedFrames || 0) > 2;
        }, undefined, 10_000);
        const call = await visitor.evaluate(callOf);
        const connected = call.events.findLast((event) => event.type === 'call-connected');
        const active = call.events.findLast((event) => event.type === 'call-active');
        console.log(`# ${name}: call-connected → call-active through the relay: ${Math.round(active.at - connected.at)} ms`);
        await agent.waitFor(() => window.agent.state === 'talking', undefined, 10_000);
        if (hangUpFrom === 'visitor') await visitor.evaluate(() => document.getElementById('call').hangUp());
        else await agent.evaluate(() => document.getElementById('hang-up').click());
        await visitor.waitFor(() => document.getElementById('call').state === 'ended', undefined, 10_000);
        await agent.waitFor((count) => window.agent.ended === count + 1, before, 10_000);
        const ended = (await visitor.evaluate(callOf)).events.findLast((event) => event.type === 'call-ended');
        assert.equal(ended.detail.by, hangUpFrom === 'visitor' ? 'local' : 'remote');
        await visitor.evaluate(() => document.getElementById('call').reset());
      }
    });

    it('lets the visitor rate a call and, when no agent is free, leave a message: CEC receives them field by field', async () => {
      const agent = await browser.open(`${origin}/demo/agent.html?auto-answer=1`);
      await agent.waitFor(() => window.agent?.registered, undefined, 30_000);
      const visitor = await openDemo();
      const inbox = async () => (await fetch(`${origin}/__demo/inbox`)).json();
      /** Fills the open panel's fields by name and presses its Send button, as a visitor would. */
      const fillAndSend = (page, fields) =>
        page.evaluate((fields) => {
          const root = document.getElementById('call').shadowRoot;
          for (const [name, value] of Object.entries(fields)) {
            const field = root.querySelector(`.panel [name="${name}"]${name === 'level' ? `[value="${value}"]` : ''}`);
            if (name === 'level') field.click();
            else {
              field.value = value;
              field.dispatchEvent(new Event('input'));
            }
          }
          root.querySelector('[part~="send-button"]').click();
        }, fields);
      const noteSays = (page) => page.waitFor(() => document.getElementById('call').shadowRoot.querySelector('.panel [role="status"]')?.textContent.startsWith('Thank you'), undefined, 10_000);

      const ratingsBefore = (await inbox()).ratings.length;
      await clickVideo(visitor);
      await visitor.waitFor(() => document.getElementById('call').state === 'active', undefined, 10_000);
      await agent.waitFor(() => window.agent.state === 'talking', undefined, 10_000);
      await agent.evaluate(() => document.getElementById('hang-up').click());
      await visitor.waitFor(() => document.getElementById('call').shadowRoot.querySelector('[part="survey"] form'), undefined, 10_000);
      await fillAndSend(visitor, { level: '4', comment: 'Quick and kind' });
      await noteSays(visitor);
      const { ratings } = await inbox();
      assert.equal(ratings.length, ratingsBefore + 1);
      const rating = ratings.at(-1);
      assert.deepEqual({ ...rating, userId: '(the visitor)' }, { channel: 'WEB', userId: '(the visitor)', evaluation: '4', comment: 'Quick and kind', channelConfigId: 'demo' });
      assert.match(rating.userId, /^[0-9a-f]{24}$/, 'the anonymous visitor id, 24 characters as CEC allows');

      await fetch(`${origin}/__demo/scenario`, { method: 'POST', body: JSON.stringify({ name: 'no-agents' }) });
      try {
        await clickVideo(visitor);
        await visitor.waitFor(() => document.getElementById('call').shadowRoot.querySelector('[part="message-form"] form'), undefined, 10_000);
        await fillAndSend(visitor, { caller: '+49 30 1234567', message: 'Please call me back.' });
        await noteSays(visitor);
        const message = (await inbox()).messages.at(-1);
        assert.deepEqual(message, { callId: rating.userId, caller: '+49 30 1234567', leaveMessage: 'Please call me back.', channel: 'WEB' });
      } finally {
        await fetch(`${origin}/__demo/scenario`, { method: 'POST', body: JSON.stringify({ name: 'agents-available' }) });
      }
    });
  });
}
