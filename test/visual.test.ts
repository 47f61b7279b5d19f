import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import { visualDiff } from '@web/test-runner-visual-regression';
import { http, HttpResponse } from 'msw';
import type { ClickToCall } from '../src/click-to-call.element.js';
import { cecPath, type CallScript } from '../mocks/handlers.js';
import { button, TOKEN_ENDPOINT } from './helpers.js';
import { openAgentConsole, relayScript } from './support/agent-console.js';
import { engine, itExcept } from './support/engine.js';
import { useScenario, worker } from './support/msw.js';

// Screenshots of every state, compared with the committed references in test/screenshots/Chrome/baseline.
// After an intended visual change: UPDATE_SCREENSHOTS=1 npm run test:unit, then review and commit the images.

interface Look {
  readonly name: string;
  readonly attributes: { theme?: string; variant?: string; lang?: string };
  readonly background: string;
}

const looks: Look[] = [
  { name: 'light', attributes: {}, background: '#ffffff' },
  { name: 'dark', attributes: { theme: 'dark' }, background: '#121417' },
  { name: 'rtl', attributes: { lang: 'ar' }, background: '#ffffff' },
  { name: 'compact', attributes: { variant: 'compact' }, background: '#ffffff' },
];

/** How to bring the element into a state: a simulated CEC, then what to do and wait for. */
const states: Record<string, { script: CallScript; go: (el: ClickToCall) => Promise<unknown> }> = {
  idle: { script: {}, go: async () => {} },
  busy: { script: { createDelayMs: 60_000 }, go: (el) => (el.start('voice'), waitUntil(() => el.busy)) },
  queued: { script: { queueMs: 60_000 }, go: (el) => el.start('voice').then(() => waitUntil(() => el.state === 'queued')) },
  connected: { script: { queueMs: 10 }, go: (el) => el.start('video').then(() => waitUntil(() => el.state === 'connected')) },
  ended: { script: { queueMs: 10, talkMs: 10 }, go: (el) => el.start('voice').then(() => waitUntil(() => el.state === 'ended')) },
  'no-agents': { script: { create: 'no-agents' }, go: (el) => el.start('voice') },
  error: { script: { create: 'server-error' }, go: (el) => el.start('voice') },
  'message-form': {
    script: { create: 'no-agents' },
    go: async (el) => {
      el.offerMessage = true;
      await el.start('voice');
      await waitUntil(() => el.shadowRoot!.querySelector('[part="message-form"] form'), 'the form');
    },
  },
  'message-problems': {
    script: { create: 'no-agents' },
    go: async (el) => {
      el.offerMessage = true;
      await el.start('voice');
      await waitUntil(() => el.shadowRoot!.querySelector('[part="message-form"] form'), 'the form');
      el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="send-button"]')!.click();
      await waitUntil(() => el.shadowRoot!.querySelector('.problem'), 'the problems');
    },
  },
  'message-sent': {
    script: { create: 'no-agents' },
    go: async (el) => {
      el.offerMessage = true;
      await el.start('voice');
      const root = el.shadowRoot!;
      await waitUntil(() => root.querySelector('[part="message-form"] form'), 'the form');
      for (const [name, value] of [['caller', 'visitor@example.com'], ['message', 'Please call me back.']]) {
        const field = root.querySelector<HTMLInputElement>(`[name="${name}"]`)!;
        field.value = value;
        field.dispatchEvent(new Event('input'));
      }
      root.querySelector<HTMLButtonElement>('[part~="send-button"]')!.click();
      await waitUntil(() => !root.querySelector('[part="message-form"] form'), 'sent');
    },
  },
  survey: {
    script: { queueMs: 10, talkMs: 10 },
    go: async (el) => {
      el.survey = true;
      await el.start('voice');
      await waitUntil(() => el.shadowRoot!.querySelector('[part="survey"] form'), 'the survey', { timeout: 5000 });
      el.shadowRoot!.querySelectorAll<HTMLInputElement>('[name="level"]')[3].click();
    },
  },
  unavailable: {
    script: {},
    go: (el) => {
      worker.use(http.get(cecPath('checkClickToCallSupport'), () => HttpResponse.json({ resultCode: '0', clickToCallSupported: false })));
      return el.start('voice');
    },
  },
};

const stillStyles = new CSSStyleSheet();
// The in-call notices come and go with the network and the fake microphone's beeps: left out of the pictures.
stillStyles.replaceSync('* { animation: none !important; caret-color: transparent !important; } .notice { display: none; }');

async function shoot(look: Look, state: string) {
  useScenario(states[state].script);
  const { theme, variant, lang } = look.attributes;
  const frame = await fixture<HTMLDivElement>(html`
    <div style="display:inline-block; padding:12px; width:420px; font:16px 'DejaVu Sans', sans-serif; color:${look.background === '#ffffff' ? '#1d232b' : '#e8eaed'}; background:${look.background}">
      <click-to-call token-endpoint=${TOKEN_ENDPOINT} media-engine="none" poll-interval="10" theme=${theme ?? 'light'} variant=${variant ?? 'labelled'} lang=${lang ?? 'en'}></click-to-call>
    </div>
  `);
  const el = frame.querySelector('click-to-call')!;
  el.shadowRoot!.adoptedStyleSheets = [...el.shadowRoot!.adoptedStyleSheets, stillStyles];
  if (lang) await waitUntil(() => !/call/i.test(el.shadowRoot!.querySelector('button')!.textContent!), 'translation');
  await states[state].go(el);
  await el.updateComplete;
  await visualDiff(frame, `${look.name}-${state}`);
  await expect(el).to.be.accessible();
  el.reset();
}

describe('<click-to-call> looks (screenshots and axe in every state)', () => {
  for (const look of looks) {
    for (const state of Object.keys(states)) {
      itExcept(['firefox', 'webkit'], 'the reference screenshots are drawn by Chromium', `${look.name}: ${state}`, () => shoot(look, state))?.timeout(15_000);
    }
  }
});

describe('<click-to-call> in a call (screenshots and axe in active, the agent console answering through the SIP relay)', () => {
  let agentConsole: Awaited<ReturnType<typeof openAgentConsole>> | undefined;
  afterEach(async () => {
    // The next call needs the agent free again.
    if (agentConsole) await waitUntil(() => agentConsole!.agent().state === 'waiting', 'the agent hangs up too', { timeout: 10_000 });
  });
  after(() => agentConsole?.close());

  /**
   * Both videos masked (the agent's black, the visitor's grey): their pictures move; their places and sizes are what
   * the reference shows. So are the quality indicator's, the microphone meter's and the timer's places (the bars
   * follow the measured level, the meter the fake microphone's beeps, and the time depends on when the first level
   * arrives).
   */
  const maskVideos = `click-to-call::part(remote-video) { filter: brightness(0); }
    click-to-call::part(local-video) { filter: brightness(0) invert(0.6); }
    click-to-call::part(quality) { visibility: hidden; }
    click-to-call::part(mic-level) { visibility: hidden; }
    click-to-call::part(timer) { color: transparent; }`;

  async function shootActive(look: Look, media: 'voice' | 'video', toggle?: 'mute' | 'camera') {
    useScenario(relayScript());
    agentConsole ??= await openAgentConsole();
    const { theme, variant, lang } = look.attributes;
    const frame = await fixture<HTMLDivElement>(html`
      <div style="display:inline-block; padding:12px; width:420px; font:16px 'DejaVu Sans', sans-serif; color:${look.background === '#ffffff' ? '#1d232b' : '#e8eaed'}; background:${look.background}">
        <style>${maskVideos}</style>
        <click-to-call token-endpoint=${TOKEN_ENDPOINT} poll-interval="10" theme=${theme ?? 'light'} variant=${variant ?? 'labelled'} lang=${lang ?? 'en'}></click-to-call>
      </div>
    `);
    const el = frame.querySelector('click-to-call')!;
    el.shadowRoot!.adoptedStyleSheets = [...el.shadowRoot!.adoptedStyleSheets, stillStyles];
    if (lang) await waitUntil(() => !/call/i.test(el.shadowRoot!.querySelector('button')!.textContent!), 'translation');
    button(el, media).click();
    await waitUntil(() => el.state === 'active', 'active', { timeout: 10_000 });
    if (media === 'video') {
      const videos = [...el.shadowRoot!.querySelectorAll('video')];
      await waitUntil(() => videos.every((video) => video.videoWidth > 0), 'both pictures', { timeout: 10_000 });
    }
    await waitUntil(() => el.shadowRoot!.querySelector('[part~="quality"]'), 'the quality indicator', { timeout: 10_000 });
    if (toggle) {
      const pressed = el.shadowRoot!.querySelector<HTMLButtonElement>(`button[part~="${toggle}-button"]`)!;
      pressed.click();
      await waitUntil(() => pressed.getAttribute('aria-pressed') === 'true', 'pressed');
    }
    await el.updateComplete;
    // Laid out and painted before the box is measured.
    await new Promise((painted) => requestAnimationFrame(() => requestAnimationFrame(painted)));
    await visualDiff(frame, `${look.name}-active-${media}${toggle ? `-${toggle === 'mute' ? 'muted' : 'camera-off'}` : ''}`);
    await expect(el).to.be.accessible();
    el.hangUp();
  }

  for (const look of looks) {
    for (const media of ['voice', 'video'] as const) {
      itExcept(['firefox', 'webkit'], 'the reference screenshots are drawn by Chromium', `${look.name}: active, ${media}`, () => shootActive(look, media))?.timeout(30_000);
    }
  }
  itExcept(['firefox', 'webkit'], 'the reference screenshots are drawn by Chromium', 'light: active, video, muted', () => shootActive(looks[0], 'video', 'mute'))?.timeout(30_000);
  itExcept(['firefox', 'webkit'], 'the reference screenshots are drawn by Chromium', 'light: active, video, camera off', () => shootActive(looks[0], 'video', 'camera'))?.timeout(30_000);
});

describe('<click-to-call theme="auto"> (axe in every state, with the OS in dark mode)', () => {
  // Emulating the OS's colour scheme needs CDP: Chromium only (the tests below are skipped elsewhere).
  before(() => (engine === 'chromium' ? emulateMedia({ colorScheme: 'dark' }) : undefined));
  after(() => (engine === 'chromium' ? emulateMedia({ colorScheme: 'light' }) : undefined));

  const pages = [
    { name: 'a plain white page', colorScheme: '', background: '#ffffff', text: '#1d232b', accent: 'rgb(11, 92, 173)' },
    { name: 'a dark page (color-scheme: dark)', colorScheme: 'dark', background: '#121417', text: '#e8eaed', accent: 'rgb(156, 202, 255)' },
  ];
  for (const page of pages) {
    for (const state of Object.keys(states)) {
      itExcept(['firefox', 'webkit'], 'emulating prefers-color-scheme needs CDP', `on ${page.name}: ${state}`, async () => {
        useScenario(states[state].script);
        const frame = await fixture<HTMLDivElement>(html`
          <div style="padding:12px; color-scheme:${page.colorScheme || 'normal'}; color:${page.text}; background:${page.background}">
            <click-to-call token-endpoint=${TOKEN_ENDPOINT} media-engine="none" poll-interval="10"></click-to-call>
          </div>
        `);
        const el = frame.querySelector('click-to-call')!;
        await states[state].go(el);
        await el.updateComplete;
        if (state === 'idle') expect(getComputedStyle(el.shadowRoot!.querySelector('button')!).backgroundColor).to.equal(page.accent);
        await expect(el).to.be.accessible();
        el.reset();
      })?.timeout(15_000);
    }
  }
});

