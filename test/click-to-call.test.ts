import { aTimeout, expect, fixture, html, nextFrame, waitUntil } from '@open-wc/testing';
import { delay, http, HttpResponse, type JsonBodyType } from 'msw';
import { ClickToCall } from '../src/click-to-call.element.js';
import { strings } from '../src/strings.js';
import { CallErrorEvent, CallStartedEvent, NoAgentsEvent } from '../src/events.js';
import {
  button,
  buttons,
  callButton,
  consoleOutput,
  CREATE_PATH,
  eventsDuring,
  liveText,
  outcomesOf,
  TOKEN_ENDPOINT,
} from './helpers.js';
import { cecPath, tokens } from '../mocks/handlers.js';
import { requests, useScenario, worker } from './support/msw.js';

/** createClickToCall answers with `status` and `body` (a JSON value, or raw text). */
function cecAnswers(body: JsonBodyType, status = 200) {
  worker.use(
    http.post(CREATE_PATH, () =>
      typeof body === 'string' ? new HttpResponse(body, { status }) : HttpResponse.json(body, { status }),
    ),
  );
}

/** The token endpoint answers `body`; a token in it is one the simulated CEC accepts. */
function tokenEndpointAnswers(body: JsonBodyType, status = 200) {
  const token = (body as { token?: unknown } | null)?.token;
  if (typeof token === 'string') tokens.trust(token);
  worker.use(http.post(TOKEN_ENDPOINT, () => HttpResponse.json(body, { status })));
}

describe('<click-to-call media-engine="none">', () => {
  describe('rendering', () => {
    it('shows a voice and a video call button, and is idle', async () => {
      const el = await callButton();
      expect(buttons(el).map((b) => b.textContent!.trim())).to.deep.equal(['Voice call', 'Video call']);
      expect(el.state).to.equal('idle');
      expect(el.getAttribute('state')).to.equal('idle');
      expect(el.busy).to.be.false;
      expect(el.hasAttribute('busy')).to.be.false;
    });

    it('shows only the media named, in the order named', async () => {
      const el = await fixture<ClickToCall>(html`<click-to-call media-engine="none" media="video voice"></click-to-call>`);
      expect(buttons(el).map((b) => b.getAttribute('part'))).to.deep.equal([
        'button video-button',
        'button voice-button',
      ]);
      el.media = 'voice';
      await el.updateComplete;
      expect(buttons(el)).to.have.length(1);
    });

    it('ignores unknown media words with a warning', async () => {
      let el!: ClickToCall;
      const warnings = await consoleOutput('warn', async () => {
        el = await fixture<ClickToCall>(html`<click-to-call media-engine="none" media="voice fax"></click-to-call>`);
      });
      expect(buttons(el)).to.have.length(1);
      expect(warnings.join()).to.contain('"fax"');
    });

    it('shows both buttons, with a warning, when no media word is known', async () => {
      let el!: ClickToCall;
      const warnings = await consoleOutput('warn', async () => {
        el = await fixture<ClickToCall>(html`<click-to-call media-engine="none" media="audio"></click-to-call>`);
      });
      expect(buttons(el)).to.have.length(2);
      expect(warnings).to.have.length(2);
    });

    it('has defaults for every attribute', async () => {
      const el = await fixture<ClickToCall>(html`<click-to-call media-engine="none"></click-to-call>`);
      expect(el.apiBase).to.equal('/apiaccess/ccmessaging');
      expect(el.channel).to.equal('WEB');
      expect(el.media).to.equal('voice video');
      expect(el.timeout).to.equal(15000);
      expect(el.disabled).to.be.false;
    });

    it('[axe] is accessible when idle', async () => {
      await expect(await callButton()).to.be.accessible();
    });

    it('[axe] is accessible when disabled', async () => {
      const el = await fixture<ClickToCall>(html`<click-to-call media-engine="none" disabled token-endpoint="/x"></click-to-call>`);
      expect(buttons(el).every((b) => b.disabled)).to.be.true;
      await expect(el).to.be.accessible();
    });
  });

  describe('outcomes', () => {
    it('fires call-started when CEC answers resultCode "0", even with the documented "resultDesc:" key', async () => {
      useScenario({ queueMs: 60_000 });
      const el = await callButton();
      let stateSeen = '';
      el.addEventListener('call-started', () => (stateSeen = `${el.state} ${el.getAttribute('state')}`));
      const heard = await outcomesOf(() => button(el, 'voice').click());
      expect(heard).to.have.length(1);
      expect(heard[0]).to.be.instanceOf(CallStartedEvent);
      expect(heard[0].detail).to.deep.equal({ media: 'voice', resultCode: '0', resultDesc: '' });
      expect(stateSeen).to.equal('started started');
    });

    it('reads resultDesc from either spelling', async () => {
      cecAnswers({ resultCode: '0', 'resultDesc:': 'connect successfully.' });
      const el = await callButton();
      const [event] = await outcomesOf(() => el.start('video'));
      expect(event.detail).to.deep.equal({ media: 'video', resultCode: '0', resultDesc: 'connect successfully.' });
    });

    it('fires no-agents when CEC answers resultCode "13"', async () => {
      useScenario('no-agents');
      const el = await callButton();
      const heard = await outcomesOf(() => button(el, 'video').click());
      expect(heard).to.have.length(1);
      expect(heard[0]).to.be.instanceOf(NoAgentsEvent);
      expect(heard[0].detail).to.deep.equal({
        media: 'video',
        resultCode: '13',
        resultDesc: 'No agents available currently',
      });
      expect(el.getAttribute('state')).to.equal('no-agents');
      await el.updateComplete;
      expect(liveText(el).status).to.equal(strings['no-agents']);
    });

    it('fires call-error "rejected" for any other resultCode', async () => {
      cecAnswers({ resultCode: '1', resultDesc: 'failed' });
      const el = await callButton();
      const heard = await outcomesOf(() => el.start('voice'));
      expect(heard).to.have.length(1);
      expect(heard[0]).to.be.instanceOf(CallErrorEvent);
      expect(heard[0].detail).to.include({ media: 'voice', reason: 'rejected', resultCode: '1', resultDesc: 'failed' });
      expect(el.getAttribute('state')).to.equal('error');
      await el.updateComplete;
      expect(liveText(el).alert).to.equal(strings.error);
    });

    it('decides on resultCode as a string, so a numeric 13 still means no agents', async () => {
      cecAnswers({ resultCode: 13 });
      const el = await callButton();
      const [event] = await outcomesOf(() => el.start('voice'));
      expect(event).to.be.instanceOf(NoAgentsEvent);
      expect((event as NoAgentsEvent).detail.resultCode).to.equal('13');
    });

    it('fetches a new token and retries once after a 401', async () => {
      useScenario('token-expired-once');
      const el = await callButton();
      const heard = await outcomesOf(() => el.start('voice'));
      expect(heard.map((e) => e.type)).to.deep.equal(['call-started']);
      expect(requests(TOKEN_ENDPOINT)).to.have.length(2);
      const [first, retry] = requests(CREATE_PATH);
      expect(retry.headers.get('ccmessaging-token')).to.not.equal(first.headers.get('ccmessaging-token'));
    });

    it('fires call-error "auth" when the retry is refused too', async () => {
      cecAnswers({ errorCode: 'x', exceptionInfo: 'auth fail!' }, 403);
      const el = await callButton();
      const heard = await outcomesOf(() => el.start('voice'));
      expect(heard).to.have.length(1);
      expect(heard[0].detail).to.include({ reason: 'auth', status: 403 });
      expect(requests(CREATE_PATH)).to.have.length(2);
      expect(requests(TOKEN_ENDPOINT)).to.have.length(2);
    });

    for (const status of [400, 404, 500, 503]) {
      it(`fires call-error "http" with status ${status}`, async () => {
        cecAnswers({ errorCode: String(status) }, status);
        const el = await callButton();
        const heard = await outcomesOf(() => el.start('voice'));
        expect(heard).to.have.length(1);
        expect(heard[0].detail).to.include({ reason: 'http', status });
        expect(el.state).to.equal('error');
      });
    }

    const malformed: [string, JsonBodyType][] = [
      ['HTML', '<html>Gateway</html>'],
      ['an empty body', ''],
      ['JSON without resultCode', { resultDesc: 'ok' }],
      ['an array', [{ resultCode: '0' }]],
      ['a null resultCode', { resultCode: null }],
    ];
    for (const [what, body] of malformed) {
      it(`fires call-error "protocol" for ${what}`, async () => {
        cecAnswers(body);
        const el = await callButton();
        const heard = await outcomesOf(() => el.start('voice'));
        expect(heard).to.have.length(1);
        expect(heard[0].detail).to.include({ reason: 'protocol' });
      });
    }

    it('fires call-error "network" when CEC cannot be reached', async () => {
      useScenario('network-down');
      const el = await callButton();
      const heard = await outcomesOf(() => el.start('voice'));
      expect(heard).to.have.length(1);
      expect(heard[0].detail).to.include({ reason: 'network' });
      await el.updateComplete;
      expect(liveText(el).alert).to.equal(strings.network);
    });

    it('fires call-error "timeout" when CEC takes longer than timeout', async () => {
      worker.use(http.post(CREATE_PATH, () => delay('infinite')));
      const el = await fixture<ClickToCall>(
        // Long enough for the token (which the timeout bounds too) even in WebKit's slow MiniBrowser.
        html`<click-to-call media-engine="none" token-endpoint=${TOKEN_ENDPOINT} timeout="1000"></click-to-call>`,
      );
      const heard = await outcomesOf(() => el.start('voice'));
      expect(heard).to.have.length(1);
      expect(heard[0].detail).to.include({ reason: 'timeout' });
    });

    it('falls back to 15000 ms, with a warning, when timeout is not a positive number', async () => {
      let el!: ClickToCall;
      const warnings = await consoleOutput('warn', async () => {
        el = await fixture<ClickToCall>(html`<click-to-call media-engine="none" token-endpoint=${TOKEN_ENDPOINT} timeout="soon"></click-to-call>`);
      });
      expect(warnings.join()).to.contain('15000');
      const heard = await outcomesOf(() => el.start('voice'));
      expect(heard[0].type).to.equal('call-started');
    });
  });

  describe('token endpoint', () => {
    it('is POSTed the context as JSON, with same-origin credentials', async () => {
      const el = await callButton();
      el.context = { visitor: 'Ana', page: '/pricing' };
      await outcomesOf(() => el.start('voice'));
      const [request] = requests(TOKEN_ENDPOINT);
      expect(request.method).to.equal('POST');
      expect(request.credentials).to.equal('same-origin');
      expect(request.headers.get('content-type')).to.equal('application/json');
      expect(JSON.parse(await request.body)).to.deep.equal({ context: { visitor: 'Ana', page: '/pricing' } });
    });

    it('may answer in applyToken\'s own shape {resultCode: "0", token}', async () => {
      tokenEndpointAnswers({ resultCode: '0', token: 'apply-token' });
      cecAnswers({ resultCode: '0' });
      const el = await callButton();
      const [event] = await outcomesOf(() => el.start('voice'));
      expect(event.type).to.equal('call-started');
      expect(requests(CREATE_PATH)[0].headers.get('ccmessaging-token')).to.equal('apply-token');
    });

    const failures: [string, () => void, number | undefined][] = [
      ['answers HTTP 500', () => tokenEndpointAnswers({ error: 'down' }, 500), 500],
      ['answers without a token', () => tokenEndpointAnswers({ expiresIn: 60 }), undefined],
      ['answers applyToken failure', () => tokenEndpointAnswers({ resultCode: '1', token: 'x' }), undefined],
      ['cannot be reached', () => worker.use(http.post(TOKEN_ENDPOINT, () => HttpResponse.error())), undefined],
    ];
    for (const [what, arrange, status] of failures) {
      it(`fires call-error "token" and sends nothing to CEC when it ${what}`, async () => {
        arrange();
        const el = await callButton();
        const heard = await outcomesOf(() => el.start('voice'));
        expect(heard).to.have.length(1);
        expect((heard[0] as CallErrorEvent).detail.reason).to.equal('token');
        expect((heard[0] as CallErrorEvent).detail.status).to.equal(status);
        expect(requests(CREATE_PATH).map((r) => r.url.pathname)).to.be.empty;
      });
    }

    it('fires call-error "config", logs what to set, and sends nothing without an endpoint or provider', async () => {
      const el = await fixture<ClickToCall>(html`<click-to-call media-engine="none"></click-to-call>`);
      let heard: Event[] = [];
      const errors = await consoleOutput('error', async () => {
        heard = await outcomesOf(() => button(el, 'voice').click());
      });
      expect(heard).to.have.length(1);
      expect((heard[0] as CallErrorEvent).detail.reason).to.equal('config');
      expect(errors.join()).to.contain('token-endpoint');
      expect(requests().map((r) => r.url.pathname)).to.be.empty;
    });

    it('fires call-error "config" and sends nothing when api-base is not an http(s) URL', async () => {
      const el = await fixture<ClickToCall>(
        html`<click-to-call media-engine="none" token-endpoint=${TOKEN_ENDPOINT} api-base="ftp://cec.example/apiaccess"></click-to-call>`,
      );
      let heard: Event[] = [];
      await consoleOutput('error', async () => {
        heard = await outcomesOf(() => el.start('voice'));
      });
      expect((heard[0] as CallErrorEvent).detail.reason).to.equal('config');
      expect(requests().map((r) => r.url.pathname)).to.be.empty;
    });

    it('is reused for later calls until shortly before it expires', async () => {
      const el = await callButton();
      await outcomesOf(() => el.start('voice'));
      await el.hangUp();
      await outcomesOf(() => el.start('video'));
      expect(requests(CREATE_PATH)).to.have.length(2);
      expect(requests(TOKEN_ENDPOINT)).to.have.length(1);
    });

    it('is fetched again once it has expired', async () => {
      let serial = 0;
      worker.use(
        http.post(TOKEN_ENDPOINT, () => HttpResponse.json({ token: tokens.trust(`expiring-${++serial}`), expiresIn: 0 })),
      );
      const el = await callButton();
      await outcomesOf(() => el.start('voice'));
      // The support check and the create go together, on one token; the first poll needs a new one.
      const check = requests(cecPath('checkClickToCallSupport'))[0];
      const create = requests(CREATE_PATH)[0];
      await waitUntil(() => requests(cecPath('getClickToCallEvents')).length > 0, 'a poll');
      const poll = requests(cecPath('getClickToCallEvents'))[0];
      expect(check.headers.get('ccmessaging-token')).to.equal('expiring-1');
      expect(create.headers.get('ccmessaging-token')).to.equal('expiring-1');
      expect(poll.headers.get('ccmessaging-token')).to.equal('expiring-2');
    });

    it('is fetched again after token-endpoint or context changes', async () => {
      const el = await callButton();
      await outcomesOf(() => el.start('voice'));
      await el.hangUp();
      el.context = { visitor: 'Bo' };
      await el.updateComplete;
      await outcomesOf(() => el.start('voice'));
      expect(requests(TOKEN_ENDPOINT)).to.have.length(2);
    });

    it('is shared by concurrent starts', async () => {
      const el = await callButton();
      const heard = await outcomesOf(() => Promise.all([el.start('voice'), el.start('video')]));
      expect(heard).to.have.length(1);
      expect(requests(TOKEN_ENDPOINT)).to.have.length(1);
      expect(requests(CREATE_PATH)).to.have.length(1);
    });

    it('can come from a tokenProvider, which gets the context', async () => {
      const el = await fixture<ClickToCall>(html`<click-to-call media-engine="none"></click-to-call>`);
      const seen: unknown[] = [];
      el.context = { visitor: 'Chen' };
      tokens.trust('from-provider');
      el.tokenProvider = async ({ context }) => {
        seen.push(context);
        return { token: 'from-provider', appKey: 'app-key', accessToken: 'access' };
      };
      cecAnswers({ resultCode: '0' });
      const [event] = await outcomesOf(() => el.start('voice'));
      expect(event.type).to.equal('call-started');
      expect(seen).to.deep.equal([{ visitor: 'Chen' }]);
      expect(requests(TOKEN_ENDPOINT).map((r) => r.url.pathname)).to.be.empty;
    });

    it('fires call-error "token" when the tokenProvider throws or never answers', async () => {
      const el = await fixture<ClickToCall>(html`<click-to-call media-engine="none" timeout="100"></click-to-call>`);
      el.tokenProvider = () => Promise.reject(new Error('no session'));
      const [thrown] = await outcomesOf(() => el.start('voice'));
      expect(thrown.detail).to.include({ reason: 'token' });
      el.tokenProvider = () => new Promise(() => {});
      await el.updateComplete;
      const [stalled] = await outcomesOf(() => el.start('voice'));
      expect(stalled.detail).to.include({ reason: 'token' });
      expect(requests(CREATE_PATH).map((r) => r.url.pathname)).to.be.empty;
    });
  });

  describe('createClickToCall request', () => {
    it('POSTs exactly {"channel":"WEB","mediaAbility":"0"} for voice with the ccmessaging-token header', async () => {
      const el = await callButton();
      await outcomesOf(() => button(el, 'voice').click());
      const [request] = requests(CREATE_PATH);
      expect(request.method).to.equal('POST');
      expect(request.headers.get('content-type')).to.equal('application/json');
      // The simulated site's token, in CEC's documented form: URL-encoded Base64 of JSON naming the visitor.
      expect(JSON.parse(atob(decodeURIComponent(request.headers.get('ccmessaging-token')!)))).to.include({ userId: 'visitor' });
      expect(request.headers.has('x-app-key')).to.be.false;
      expect(request.headers.has('authorization')).to.be.false;
      expect(await request.body).to.equal('{"channel":"WEB","mediaAbility":"0"}');
    });

    it('asks for mediaAbility "1" for video, on the configured channel', async () => {
      cecAnswers({ resultCode: '0' });
      const el = await fixture<ClickToCall>(html`<click-to-call media-engine="none" token-endpoint=${TOKEN_ENDPOINT} channel="WEB2"></click-to-call>`);
      await outcomesOf(() => button(el, 'video').click());
      expect(await requests(CREATE_PATH)[0].body).to.equal('{"channel":"WEB2","mediaAbility":"1"}');
    });

    it('adds x-app-key and Authorization only when the token endpoint supplied them', async () => {
      tokenEndpointAnswers({ token: 't1', appKey: 'my-app', accessToken: 'acc-1' });
      cecAnswers({ resultCode: '0' });
      const el = await callButton();
      await outcomesOf(() => el.start('voice'));
      const { headers } = requests(CREATE_PATH)[0];
      expect(headers.get('x-app-key')).to.equal('my-app');
      expect(headers.get('authorization')).to.equal('Bearer acc-1');
    });

    it('goes to a full api-base URL', async () => {
      const apiBase = `${location.origin}/proxy/apiaccess/ccmessaging/`;
      worker.use(http.post(`${apiBase}v1/createClickToCall`, () => HttpResponse.json({ resultCode: '0' })));
      const el = await fixture<ClickToCall>(html`<click-to-call media-engine="none" token-endpoint=${TOKEN_ENDPOINT} api-base=${apiBase}></click-to-call>`);
      const [event] = await outcomesOf(() => el.start('voice'));
      expect(event.type).to.equal('call-started');
      expect(requests('/proxy/apiaccess/ccmessaging/v1/createClickToCall')).to.have.length(1);
    });

    it('never puts the token in an attribute or a URL', async () => {
      tokenEndpointAnswers({ token: 'secret-token-value', accessToken: 'secret-access' });
      cecAnswers({ resultCode: '0' });
      const el = await callButton();
      await outcomesOf(() => el.start('voice'));
      expect(el.outerHTML + el.shadowRoot!.innerHTML).to.not.contain('secret');
      expect(requests().map((r) => r.url.href).join()).to.not.contain('secret');
    });
  });

  describe('while busy', () => {
    beforeEach(() => useScenario('slow'));

    it('sets busy, marks every button busy and disabled, and shows progress on the clicked one', async () => {
      const el = await callButton();
      button(el, 'video').click();
      await el.updateComplete;
      expect(el.state).to.equal('busy');
      expect(el.busy).to.be.true;
      expect(el.hasAttribute('busy')).to.be.true;
      for (const b of buttons(el)) {
        expect(b.getAttribute('aria-disabled')).to.equal('true');
        expect(b.getAttribute('aria-busy')).to.equal('true');
      }
      expect(button(el, 'video').querySelector('[part="spinner"]')).to.exist;
      expect(button(el, 'voice').querySelector('[part="spinner"]')).to.not.exist;
      expect(liveText(el).status).to.equal('Connecting…');
      el.reset();
    });

    it('[axe] is accessible', async () => {
      const el = await callButton();
      el.start('voice');
      await el.updateComplete;
      await expect(el).to.be.accessible();
      el.reset();
    });

    it('keeps keyboard focus on the clicked button', async () => {
      const el = await callButton();
      button(el, 'voice').focus();
      button(el, 'voice').click();
      await el.updateComplete;
      expect(el.shadowRoot!.activeElement).to.equal(button(el, 'voice'));
      el.reset();
    });

    it('sends nothing new on further clicks or start() calls, which share the outcome', async () => {
      const el = await callButton();
      const first = el.start('voice');
      await el.updateComplete;
      button(el, 'voice').click();
      button(el, 'video').click();
      const second = el.start('video');
      const heard = await outcomesOf(() => Promise.all([first, second]));
      expect(heard).to.have.length(1);
      expect(await second).to.equal(await first);
      expect(requests(CREATE_PATH)).to.have.length(1);
    }).timeout(8000);

    it('lets the visitor call again after the outcome', async () => {
      useScenario('no-agents');
      const el = await callButton();
      await outcomesOf(() => el.start('voice'));
      useScenario('agents-available');
      const [again] = await outcomesOf(() => button(el, 'voice').click());
      expect(again.type).to.equal('call-started');
      expect(el.busy).to.be.false;
    });

    it('lets an outcome listener start the next call', async () => {
      useScenario('no-agents');
      const el = await callButton();
      let retry: Promise<unknown> | undefined;
      let stateAfterRetry = '';
      el.addEventListener(
        'no-agents',
        () => {
          retry = el.start('video');
          stateAfterRetry = el.state;
        },
        { once: true },
      );
      await outcomesOf(() => el.start('voice'));
      expect(stateAfterRetry).to.equal('busy');
      await retry;
      expect(requests(CREATE_PATH)).to.have.length(2);
    });
  });

  describe('[axe] after each outcome', () => {
    for (const scenario of ['agents-available', 'no-agents', 'server-error'] as const) {
      it(`is accessible after ${scenario}`, async () => {
        useScenario(scenario);
        const el = await callButton();
        await outcomesOf(() => el.start('voice'));
        await el.updateComplete;
        await expect(el).to.be.accessible();
      });
    }
  });

  describe('cancelling', () => {
    beforeEach(() => useScenario('slow'));

    it('fires nothing, and resolves start() with null, when removed mid-request', async () => {
      worker.use(
        http.post(CREATE_PATH, async () => {
          await delay(200);
          return HttpResponse.json({ resultCode: '0' });
        }),
      );
      const el = await callButton();
      let result: unknown = 'pending';
      const heard = await eventsDuring(async () => {
        const started = el.start('voice');
        await nextFrame();
        el.remove();
        result = await started;
        await aTimeout(400);
      });
      expect(heard).to.be.empty;
      expect(result).to.equal(null);
      expect(el.state).to.equal('idle');
    });

    it('sends nothing to CEC when removed while the token is being fetched', async () => {
      worker.use(
        http.post(TOKEN_ENDPOINT, async () => {
          await delay(150);
          return HttpResponse.json({ token: 'late' });
        }),
      );
      const el = await callButton();
      const heard = await eventsDuring(async () => {
        el.start('voice');
        await nextFrame();
        el.remove();
        await aTimeout(300);
      });
      expect(heard).to.be.empty;
      expect(requests(CREATE_PATH).map((r) => r.url.pathname)).to.be.empty;
    });

    it('reset() goes back to idle and drops the answer in flight', async () => {
      const el = await callButton();
      const heard = await eventsDuring(async () => {
        const started = el.start('voice');
        await nextFrame();
        el.reset();
        expect(el.state).to.equal('idle');
        expect(await started).to.equal(null);
      });
      expect(heard).to.be.empty;
      await el.updateComplete;
      expect(el.getAttribute('state')).to.equal('idle');
      expect(buttons(el).some((b) => b.hasAttribute('aria-busy'))).to.be.false;
    });

    it('reset() after an outcome goes back to idle', async () => {
      useScenario('no-agents');
      const el = await callButton();
      await outcomesOf(() => el.start('voice'));
      el.reset();
      expect(el.getAttribute('state')).to.equal('idle');
    });

    it('sends nothing when disabled', async () => {
      const el = await callButton();
      el.disabled = true;
      await el.updateComplete;
      button(el, 'voice').click();
      expect(await el.start('voice')).to.equal(null);
      expect(requests().map((r) => r.url.pathname)).to.be.empty;
      expect(el.state).to.equal('idle');
    });

    it('sends nothing for an unknown media, and says so', async () => {
      const el = await callButton();
      const errors = await consoleOutput('error', async () => {
        expect(await el.start('fax' as 'voice')).to.equal(null);
      });
      expect(errors.join()).to.contain('"fax"');
      expect(requests().map((r) => r.url.pathname)).to.be.empty;
    });
  });

  it('registers once, even if the define module runs twice', async () => {
    await import('../src/define.js?again' as string);
    expect(customElements.get('click-to-call')).to.equal(ClickToCall);
  });
});
