import { aTimeout, expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import { http, HttpResponse } from 'msw';
import type { ClickToCall } from '../src/click-to-call.element.js';
import fr from '../src/locales/fr.js';
import ar from '../src/locales/ar.js';
import de from '../src/locales/de.js';
import es from '../src/locales/es.js';
import { strings } from '../src/strings.js';
import { button, buttons, consoleOutput, CREATE_PATH, liveText, outcomesOf, TOKEN_ENDPOINT } from './helpers.js';
import { engine, itExcept } from './support/engine.js';
import { requests, useScenario, worker } from './support/msw.js';

const labels = (el: ClickToCall) => buttons(el).map((b) => b.textContent!.trim());
const base = (el: ClickToCall) => el.shadowRoot!.querySelector('[part="base"]')!;

describe('<click-to-call> for the visitor', () => {
  describe('call-request', () => {
    it('fires before anything is sent, and preventDefault() sends nothing', async () => {
      const el = await fixture<ClickToCall>(html`<click-to-call token-endpoint=${TOKEN_ENDPOINT} media-engine="none"></click-to-call>`);
      const asked: string[] = [];
      el.addEventListener('call-request', (event) => {
        asked.push(event.detail.media);
        expect(requests().map((r) => r.url.pathname)).to.be.empty;
        event.preventDefault();
      });
      button(el, 'video').click();
      expect(await el.start('voice')).to.equal(null);
      await aTimeout(50);
      expect(asked).to.deep.equal(['video', 'voice']);
      expect(requests().map((r) => r.url.pathname)).to.be.empty;
      expect(el.state).to.equal('idle');
    });

    it('lets the page call start() once the visitor consents', async () => {
      const el = await fixture<ClickToCall>(html`<click-to-call token-endpoint=${TOKEN_ENDPOINT} media-engine="none"></click-to-call>`);
      let consented = false;
      el.addEventListener('call-request', (event) => consented || event.preventDefault());
      expect(await el.start('voice')).to.equal(null);
      consented = true;
      const [event] = await outcomesOf(() => el.start('voice'));
      expect(event.type).to.equal('call-started');
    });
  });

  describe('debug', () => {
    it('logs each step, and never the token', async () => {
      const el = await fixture<ClickToCall>(html`<click-to-call token-endpoint=${TOKEN_ENDPOINT} media-engine="none" debug></click-to-call>`);
      const original = console.debug;
      const lines: string[] = [];
      console.debug = (...args: unknown[]) => lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
      try {
        await outcomesOf(() => el.start('voice'));
      } finally {
        console.debug = original;
      }
      const log = lines.join('\n');
      for (const step of ['event call-request', 'state busy', 'token requested', 'createClickToCall → HTTP 200', 'state started', 'event call-started']) {
        expect(log).to.contain(step);
      }
      const token = requests(CREATE_PATH)[0].headers.get('ccmessaging-token')!;
      expect(log).to.not.contain(token);
    });

    it('is silent without the attribute', async () => {
      const el = await fixture<ClickToCall>(html`<click-to-call token-endpoint=${TOKEN_ENDPOINT} media-engine="none"></click-to-call>`);
      const original = console.debug;
      let calls = 0;
      console.debug = () => calls++;
      try {
        await outcomesOf(() => el.start('voice'));
      } finally {
        console.debug = original;
      }
      expect(calls).to.equal(0);
    });
  });

  describe('languages', () => {
    // First in this page to speak French: both elements connect while its texts load, and both must switch.
    it('speaks French in both elements of a French page, from one load', async () => {
      const page = await fixture<HTMLElement>(html`<div lang="fr"><click-to-call></click-to-call><click-to-call></click-to-call></div>`);
      const elements = [...page.querySelectorAll('click-to-call')];
      await waitUntil(() => elements.every((el) => labels(el)[0] === fr.voice), 'an element stayed in English');
    });

    it('speaks French in all ten elements of a French page', async () => {
      const page = await fixture<HTMLElement>(html`<div lang="fr">${Array.from({ length: 10 }, () => html`<click-to-call></click-to-call>`)}</div>`);
      const elements = [...page.querySelectorAll('click-to-call')];
      await waitUntil(() => elements.every((el) => labels(el)[0] === fr.voice), 'an element stayed in English');
      expect(elements.map((el) => labels(el)[1])).to.deep.equal(Array(10).fill(fr.video));
    });

    it('follows <html lang> as it changes at run time: en, then de, then ar (right to left)', async () => {
      const root = document.documentElement;
      const before = root.lang;
      try {
        root.lang = 'en';
        const el = await fixture<ClickToCall>(html`<click-to-call></click-to-call>`);
        expect(labels(el)).to.deep.equal([strings.voice, strings.video]);
        root.lang = 'de';
        await waitUntil(() => labels(el)[0] === de.voice, 'German never arrived');
        root.lang = 'ar';
        await waitUntil(() => labels(el)[0] === ar.voice, 'Arabic never arrived');
        expect(base(el).getAttribute('dir')).to.equal('rtl');
        await expect(el).to.be.accessible();
      } finally {
        root.lang = before;
      }
    });

    it("follows a change of an ancestor's lang", async () => {
      const wrapper = await fixture<HTMLElement>(html`<section lang="de"><div><click-to-call></click-to-call></div></section>`);
      const el = wrapper.querySelector('click-to-call')!;
      await waitUntil(() => labels(el)[0] === de.voice);
      wrapper.lang = 'es';
      await waitUntil(() => labels(el)[0] === es.voice, 'Spanish never arrived');
    });

    it('speaks the language of its lang attribute', async () => {
      const el = await fixture<ClickToCall>(html`<click-to-call lang="fr"></click-to-call>`);
      await waitUntil(() => labels(el)[0] === fr.voice, 'French never arrived');
      expect(labels(el)).to.deep.equal([fr.voice, fr.video]);
    });

    it("speaks its nearest ancestor's language, and region subtags do not matter", async () => {
      const wrapper = await fixture<HTMLElement>(html`<div lang="de-AT"><click-to-call></click-to-call></div>`);
      const el = wrapper.querySelector('click-to-call')!;
      await waitUntil(() => labels(el)[0] === de.voice);
    });

    it('translates what it announces, errors included', async () => {
      useScenario({ create: 'no-agents' });
      const el = await fixture<ClickToCall>(html`<click-to-call lang="es" token-endpoint=${TOKEN_ENDPOINT} media-engine="none"></click-to-call>`);
      await waitUntil(() => labels(el)[0] === es.voice);
      await el.start('voice');
      await el.updateComplete;
      expect(liveText(el).status).to.equal(es['no-agents']);
    });

    it('lays Arabic out right to left', async () => {
      const el = await fixture<ClickToCall>(html`<click-to-call lang="ar"></click-to-call>`);
      await waitUntil(() => labels(el)[0] === ar.voice);
      expect(base(el).getAttribute('dir')).to.equal('rtl');
      const [first, second] = buttons(el).map((b) => b.getBoundingClientRect().left);
      expect(first).to.be.greaterThan(second);
      await expect(el).to.be.accessible();
    });

    it('falls back to English for a language it does not have, and follows a change of lang', async () => {
      const el = await fixture<ClickToCall>(html`<click-to-call lang="ja"></click-to-call>`);
      expect(labels(el)).to.deep.equal([strings.voice, strings.video]);
      el.lang = 'fr';
      await waitUntil(() => labels(el)[0] === fr.voice);
    });

    it('takes any text from the strings property', async () => {
      const el = await fixture<ClickToCall>(html`<click-to-call lang="fr"></click-to-call>`);
      el.strings = { voice: 'Appelez-nous' };
      await waitUntil(() => labels(el)[1] === fr.video);
      expect(labels(el)[0]).to.equal('Appelez-nous');
    });
  });

  describe('theming and layout', () => {
    afterEach(() => (engine === 'chromium' ? emulateMedia({ colorScheme: 'light' }) : undefined));

    const background = (el: ClickToCall) => getComputedStyle(button(el, 'voice')).backgroundColor;

    const errorText = (el: ClickToCall) => getComputedStyle(el.shadowRoot!.querySelector('[part="alert"]')!).color;
    /** The element in `error` (a token endpoint that answers 500), its alert text showing. */
    const inError = async (el: ClickToCall) => {
      worker.use(http.post(TOKEN_ENDPOINT, () => HttpResponse.json({}, { status: 500 })));
      await el.start('voice');
      await el.updateComplete;
    };

    itExcept(['firefox', 'webkit'], 'emulating prefers-color-scheme needs CDP', 'keeps the light palette on a light page when the OS is in dark mode', async () => {
      await emulateMedia({ colorScheme: 'dark' });
      const el = await fixture<ClickToCall>(html`<click-to-call media-engine="none" token-endpoint=${TOKEN_ENDPOINT}></click-to-call>`);
      expect(background(el)).to.equal('rgb(11, 92, 173)');
      await expect(el).to.be.accessible();
      await inError(el);
      expect(errorText(el)).to.equal('rgb(179, 38, 30)'); // #b3261e on white, not #ffb4ab (1.9:1)
      await expect(el).to.be.accessible();
    });

    itExcept(['firefox', 'webkit'], 'emulating prefers-color-scheme needs CDP', 'turns dark on a page that opts in to dark (color-scheme), unless theme="light"', async () => {
      await emulateMedia({ colorScheme: 'dark' });
      const root = document.documentElement.style;
      root.colorScheme = 'light dark';
      document.body.style.background = '#121417';
      try {
        const el = await fixture<ClickToCall>(html`<click-to-call media-engine="none" token-endpoint=${TOKEN_ENDPOINT}></click-to-call>`);
        expect(background(el)).to.equal('rgb(156, 202, 255)');
        await expect(el).to.be.accessible();
        await inError(el);
        expect(errorText(el)).to.equal('rgb(255, 180, 171)');
        await expect(el).to.be.accessible();
        el.theme = 'light';
        await el.updateComplete;
        expect(background(el)).to.equal('rgb(11, 92, 173)');
      } finally {
        root.colorScheme = '';
        document.body.style.background = '';
      }
    });

    it('is dark with theme="dark", and a site colour wins over both themes', async () => {
      const el = await fixture<ClickToCall>(html`<click-to-call theme="dark"></click-to-call>`);
      expect(background(el)).to.equal('rgb(156, 202, 255)');
      el.style.setProperty('--ctc-accent', 'rgb(0, 122, 90)');
      expect(background(el)).to.equal('rgb(0, 122, 90)');
    });

    it('shows icon-only buttons with variant="compact", which keep their names and 24 px targets', async () => {
      const el = await fixture<ClickToCall>(html`<click-to-call variant="compact"></click-to-call>`);
      for (const b of buttons(el)) {
        const { width, height } = b.getBoundingClientRect();
        expect(width).to.be.within(24, 48);
        expect(height).to.be.at.least(24);
      }
      expect(labels(el)).to.deep.equal([strings.voice, strings.video]);
      await expect(el).to.be.accessible();
    });

    it('takes custom button content from slots', async () => {
      const el = await fixture<ClickToCall>(html`<click-to-call><span slot="voice">Talk to us</span></click-to-call>`);
      const slot = button(el, 'voice').querySelector<HTMLSlotElement>('slot[name="voice"]')!;
      expect(slot.assignedElements()[0].textContent).to.equal('Talk to us');
    });

    it('starts a call from any element in the trigger slot, instead of its own buttons', async () => {
      const el = await fixture<ClickToCall>(html`
        <click-to-call token-endpoint=${TOKEN_ENDPOINT} media-engine="none">
          <a slot="trigger" href="#help" data-media="video" @click=${(e: Event) => e.preventDefault()}>Need help? Video call us</a>
        </click-to-call>
      `);
      await el.updateComplete;
      expect(buttons(el)).to.be.empty;
      const [event] = await outcomesOf(() => el.querySelector('a')!.click());
      expect(event.type).to.equal('call-started');
      expect((event.detail as { media: string }).media).to.equal('video');
    });
  });

  describe('keyboard', () => {
    it('calls and hangs up with the keyboard alone', async () => {
      useScenario({ queueMs: 60_000 });
      const before = await fixture<HTMLButtonElement>(html`<button>before</button>`);
      const el = await fixture<ClickToCall>(html`<click-to-call token-endpoint=${TOKEN_ENDPOINT} media-engine="none"></click-to-call>`);
      before.focus();
      await sendKeys({ press: 'Tab' });
      expect(el.shadowRoot!.activeElement).to.equal(button(el, 'voice'));
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => el.state === 'queued');
      const focused = el.shadowRoot!.activeElement as HTMLElement;
      expect(focused.getAttribute('part')).to.equal('button hang-up-button');
      expect(liveText(el).status).to.equal(strings.queued);
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => el.state === 'ended');
      await el.updateComplete;
      expect(liveText(el).status).to.equal(strings.ended);
      expect(el.shadowRoot!.activeElement).to.equal(button(el, 'voice'));
    });
  });

  it('warns once per invalid number, and not for valid ones', async () => {
    const warnings = await consoleOutput('warn', () =>
      fixture(html`<click-to-call poll-interval="fast" timeout="2000"></click-to-call>`),
    );
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain('pollInterval');
  });
});
