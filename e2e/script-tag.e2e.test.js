// The script-tag bundle in a plain HTML page, in Chromium, against the simulated site and CEC (mocks/) served
// over real HTTP on 127.0.0.1.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { loadMocks, serveSimulatedSite } from '../mocks/serve.js';
import { chromeArgs, chromePath } from '../scripts/chrome-path.js';

const mocks = await loadMocks();
const { TOKEN_ENDPOINT, defaultGateway } = mocks;
const dist = (file) => readFile(new URL(`../dist/${file}`, import.meta.url), 'utf8');
const eventNames = JSON.parse(await readFile(new URL('../custom-elements.json', import.meta.url), 'utf8'))
  .modules.flatMap((module) => module.declarations ?? [])
  .find((declaration) => declaration.tagName === 'click-to-call')
  .events.map((event) => event.name);

const page = (body) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Plain page</title>
<script src="/click-to-call.iife.js"></script><script src="/click-to-call.iife.js"></script></head>
<body>${body}<pre id="log"></pre>
<script>
  for (const type of ${JSON.stringify(eventNames)})
    document.addEventListener(type, (e) => { log.textContent += type + ' ' + JSON.stringify(e.detail) + '\\n'; });
</script></body></html>`;

const files = {
  '/': ['text/html', page(`<click-to-call token-endpoint="${TOKEN_ENDPOINT}" poll-interval="50" media-engine="none"></click-to-call>`)],
  '/fr': ['text/html', page('<click-to-call lang="fr" media-engine="none"></click-to-call>')],
  '/around': ['text/html', page(`<click-to-call token-endpoint="${TOKEN_ENDPOINT}" poll-interval="50" media-engine="none" leave-message survey></click-to-call>`)],
  '/click-to-call.after-call.js': async () => ['text/javascript', await dist('click-to-call.after-call.js')],
  '/favicon.ico': ['image/x-icon', ''],
  '/click-to-call.iife.js': async () => ['text/javascript', await dist('click-to-call.iife.js')],
  '/click-to-call.call.js': async () => ['text/javascript', await dist('click-to-call.call.js')],
  ...Object.fromEntries(
    ['zh', 'es', 'fr', 'de', 'ar', 'pt'].map((language) => [`/locales/${language}.js`, async () => ['text/javascript', await dist(`locales/${language}.js`)]]),
  ),
};
const server = await serveSimulatedSite(mocks, {}, { files });
const received = (path) => server.received.filter((request) => request.url.split('?')[0] === path);

let browser;
let origin;

before(async () => {
  origin = server.url;
  browser = await chromium.launch({ executablePath: chromePath(), args: chromeArgs });
});

after(async () => {
  await browser?.close();
  await server.close();
});

beforeEach(() => {
  server.received.length = 0;
  server.play({ queueMs: 300 });
});

/** A fresh page on the plain HTML document, with its errors collected. */
async function openPage(path = '/') {
  const tab = await browser.newPage();
  tab.setDefaultTimeout(5000);
  const errors = [];
  tab.on('pageerror', (error) => errors.push(error.message));
  tab.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  await tab.goto(new URL(path, origin).href);
  return { tab, errors };
}

describe('script-tag bundle in a plain page', () => {
  it('registers <click-to-call> even when loaded twice, with no error', async () => {
    const { tab, errors } = await openPage();
    await tab.locator('click-to-call button').first().waitFor();
    assert.deepEqual(await tab.locator('click-to-call button').allTextContents().then((t) => t.map((s) => s.trim())), [
      'Voice call',
      'Video call',
    ]);
    // The templates are minified at build time: the icons must keep their shapes (a video camera has two).
    const shapes = await tab.locator('click-to-call').evaluate((el) =>
      [...el.shadowRoot.querySelectorAll('svg[part="icon"]')].map((svg) => [...svg.children].map((child) => child.localName).join(' ')),
    );
    assert.deepEqual(shapes, ['path', 'rect path']);
    assert.deepEqual(errors, []);
    await tab.close();
  });

  it('walks a whole call: click → started → queued → connected → hang up → ended', async () => {
    const { tab, errors } = await openPage();
    await tab.getByRole('button', { name: 'Voice call' }).click();
    await tab.locator('#log', { hasText: 'call-connected' }).waitFor();
    const log = await tab.locator('#log').textContent();
    const gateway = JSON.stringify(defaultGateway).slice(1, -1);
    assert.ok(
      log.includes(`call-started {"media":"voice","resultCode":"0","resultDesc":""}\ncall-queued {"media":"voice"}\ncall-connected {"media":"voice",${gateway}}`),
      log,
    );
    assert.equal(await tab.locator('click-to-call').getAttribute('state'), 'connected');
    const [create] = received(mocks.cecPath('createClickToCall'));
    assert.equal(create.body, '{"channel":"WEB","mediaAbility":"0"}');
    assert.equal(create.headers['content-type'], 'application/json');

    await tab.getByRole('button', { name: 'Hang up' }).click();
    await tab.locator('#log', { hasText: 'call-ended' }).waitFor();
    assert.match(await tab.locator('#log').textContent(), /call-ended {"media":"voice","by":"local"}/);
    assert.equal(await tab.locator('click-to-call').getAttribute('state'), 'ended');
    const [drop] = received(mocks.cecPath('dropClickToCall'));
    assert.equal(drop.body, '{"channel":"WEB"}');
    assert.equal(received(TOKEN_ENDPOINT).length, 1, 'one token for the whole call');
    assert.deepEqual(errors, []);
    await tab.close();
  });

  it('loads the message form and the survey from next to the script with the first call, borrowing its Lit', async () => {
    server.play({ create: 'no-agents' });
    const { tab, errors } = await openPage('/around');
    await tab.locator('click-to-call button').first().waitFor();
    assert.equal(received('/click-to-call.after-call.js').length, 0, 'not with the page');
    await tab.getByRole('button', { name: 'Voice call' }).click();
    await tab.getByLabel('Phone or e-mail').fill('visitor@example.com');
    await tab.getByRole('textbox', { name: 'Message' }).fill('Please call me back.');
    await tab.getByRole('button', { name: 'Send' }).click();
    await tab.locator('#log', { hasText: 'message-sent' }).waitFor();
    const [message] = received('/apiaccess/ccmessaging/doLeaveMessage');
    assert.deepEqual(JSON.parse(message.body), { channel: 'WEB', callId: 'visitor', caller: 'visitor@example.com', leaveMessage: 'Please call me back.' });

    server.play({ queueMs: 50, talkMs: 100 });
    await tab.getByRole('button', { name: 'Voice call' }).click();
    await tab.getByRole('radio', { name: 'Satisfied', exact: true }).check();
    await tab.getByRole('button', { name: 'Send' }).click();
    await tab.locator('#log', { hasText: 'survey-sent' }).waitFor();
    assert.match(await tab.locator('#log').textContent(), /survey-sent {"level":"4","comment":""}/);
    assert.equal(received('/click-to-call.after-call.js').length, 1, 'loaded once');
    assert.deepEqual(errors, []);
    await tab.close();
  });

  it('carries none of the in-call indicators: the signal bars, the microphone meter and their texts come with the media engine', async () => {
    const [core, callEngine, media] = await Promise.all(['click-to-call.iife.js', 'click-to-call.call.js', 'click-to-call.media.js'].map(dist));
    for (const text of ['Your connection is weak.', 'Reconnecting…', 'You are muted.', 'Microphone level', 'mic-level', 'Connection: poor']) {
      assert.ok(!core.includes(text) && !callEngine.includes(text), `${text} is not loaded before a call talks`);
      assert.ok(media.includes(text), `${text} is in the media engine`);
    }
  });

  it('loads the call engine from next to the script at the first hover, not with the page, and once', async () => {
    const { tab, errors } = await openPage();
    await tab.locator('click-to-call button').first().waitFor();
    assert.equal(received('/click-to-call.call.js').length, 0, 'not with the page');
    const loaded = tab.waitForResponse((response) => response.url().endsWith('/click-to-call.call.js'));
    await tab.getByRole('button', { name: 'Voice call' }).hover();
    await loaded;
    await tab.getByRole('button', { name: 'Voice call' }).click();
    await tab.locator('#log', { hasText: 'call-started' }).waitFor();
    assert.equal(received('/click-to-call.call.js').length, 1);
    assert.deepEqual(errors, []);
    await tab.close();
  });

  it('a call engine that cannot load ends the click in call-error (network); the next click loads it', async () => {
    const { tab } = await openPage();
    await tab.route('**/click-to-call.call.js', (route) => route.abort());
    await tab.getByRole('button', { name: 'Voice call' }).click();
    await tab.locator('#log', { hasText: 'call-error' }).waitFor();
    assert.match(await tab.locator('#log').textContent(), /call-error {"media":"voice","reason":"network","message":"the call engine could not be loaded"}/);
    assert.equal(await tab.locator('click-to-call').getAttribute('state'), 'error');
    assert.match(await tab.getByRole('alert').textContent(), /Check your connection/);
    assert.equal(received(mocks.cecPath('createClickToCall')).length, 0);
    await tab.unroute('**/click-to-call.call.js');
    await tab.getByRole('button', { name: 'Voice call' }).click();
    await tab.locator('#log', { hasText: 'call-started' }).waitFor();
    await tab.close();
  });

  it('loads the visitor\'s language from next to the script', async () => {
    const tab = await browser.newPage();
    await tab.goto(`${origin}/fr`);
    await tab.getByRole('button', { name: 'Appel vocal' }).waitFor();
    assert.equal(received('/locales/fr.js').length, 1);
    await tab.close();
  });

  it('shows no-agents, then lets the visitor try again', async () => {
    server.play({ create: 'no-agents' });
    const { tab } = await openPage();
    await tab.getByRole('button', { name: 'Video call' }).click();
    await tab.locator('#log', { hasText: 'no-agents' }).waitFor();
    assert.equal(await tab.locator('click-to-call').getAttribute('state'), 'no-agents');
    assert.match(await tab.getByRole('status').textContent(), /No agent/);
    server.play({});
    await tab.getByRole('button', { name: 'Video call' }).click();
    await tab.locator('#log', { hasText: 'call-started' }).waitFor();
    assert.equal(received(TOKEN_ENDPOINT).length, 1, 'the token is reused');
    await tab.close();
  });
});

describe('one visitor, one call, across the tabs of a browser', () => {
  const state = (tab) => tab.locator('click-to-call').getAttribute('state');
  const waitForState = (tab, expected) =>
    tab.waitForFunction((want) => document.querySelector('click-to-call').getAttribute('state') === want, expected, { timeout: 5000 });

  it('makes the other tab unavailable (in-another-tab) while a call runs, and idle again when it ends or its tab closes', async () => {
    server.play({ queueMs: 60_000 });
    const context = await browser.newContext();
    const [first, second] = [await context.newPage(), await context.newPage()];
    await Promise.all([first.goto(origin), second.goto(origin)]);
    await first.getByRole('button', { name: 'Voice call' }).click();
    await first.locator('#log', { hasText: 'call-queued' }).waitFor();
    await waitForState(second, 'unavailable');
    assert.match(await second.locator('#log').textContent(), /call-unavailable {"reason":"in-another-tab"}/);
    assert.equal(await second.evaluate(() => document.querySelector('click-to-call').start('voice')), null);
    assert.match(await second.getByRole('status').textContent(), /another tab/);

    await first.getByRole('button', { name: 'Hang up' }).click();
    await waitForState(second, 'idle');

    // A tab that opens while a call runs knows it at once; closing the calling tab frees the others.
    await second.getByRole('button', { name: 'Voice call' }).click();
    await second.locator('#log', { hasText: 'call-started' }).waitFor();
    const third = await context.newPage();
    await third.goto(origin);
    await waitForState(third, 'unavailable');
    await second.close();
    await waitForState(third, 'idle');
    await waitForState(first, 'idle');
    assert.equal(received(mocks.cecPath('createClickToCall')).length, 2);
    await context.close();
  });

  it('creates exactly one call when two tabs click at the same moment', async () => {
    server.play({ queueMs: 60_000 });
    const context = await browser.newContext();
    const tabs = [await context.newPage(), await context.newPage()];
    await Promise.all(tabs.map((tab) => tab.goto(origin)));
    await Promise.all(tabs.map((tab) => tab.locator('click-to-call button').first().waitFor()));
    const outcomes = await Promise.all(
      tabs.map((tab) => tab.evaluate(() => document.querySelector('click-to-call').start('voice').then((event) => event?.type ?? null))),
    );
    // The loser either lost the lock (call-unavailable) or heard of the winner's call first (start() → null).
    assert.equal(outcomes.filter((outcome) => outcome === 'call-started').length, 1, String(outcomes));
    assert.ok(outcomes.some((outcome) => outcome === 'call-unavailable' || outcome === null), String(outcomes));
    assert.equal(received(mocks.cecPath('createClickToCall')).length, 1);
    const [caller, other] = outcomes[0] === 'call-started' ? tabs : [...tabs].reverse();
    assert.match(await state(caller), /^(started|queued)$/);
    assert.equal(await state(other), 'unavailable');
    await context.close();
  });
});

describe('the visitor token across the tabs of a browser', () => {
  it('a token fetched in one tab is used by the others: CEC keeping only the newest token strands no tab', async () => {
    server.play({ newestTokenOnly: true, queueMs: 60_000 });
    const context = await browser.newContext();
    const [first, second] = [await context.newPage(), await context.newPage()];
    await Promise.all([first.goto(origin), second.goto(origin)]);
    await first.getByRole('button', { name: 'Voice call' }).hover();
    const deadline = Date.now() + 5000;
    while (received(mocks.cecPath('checkClickToCallSupport')).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const firstToken = received(mocks.cecPath('checkClickToCallSupport'))[0].headers['ccmessaging-token'];

    await second.getByRole('button', { name: 'Voice call' }).click();
    await second.locator('#log', { hasText: 'call-started' }).waitFor();
    assert.equal(received(TOKEN_ENDPOINT).length, 1, 'one token for both tabs');
    const [create] = received(mocks.cecPath('createClickToCall'));
    assert.equal(create.headers['ccmessaging-token'], firstToken);
    await context.close();
  });
});

