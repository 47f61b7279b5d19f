import { aTimeout, expect, fixture, html, waitUntil } from '@open-wc/testing';
import { http, HttpResponse } from 'msw';
import { cecPath, type CallScript } from '../mocks/handlers.js';
import type { ClickToCall } from '../src/click-to-call.element.js';
import { eventNames } from '../src/events.js';
import { readCallEvent } from '../src/transport/cec-answers.js';
import { CREATE_PATH, TOKEN_ENDPOINT } from './helpers.js';
import { itExcept } from './support/engine.js';
import { requests, settled, useScenario, worker } from './support/msw.js';

// Every reading of CEC's documentation that our first simulation did not show (cec-api.md §5–§7): the element
// survives each one with a defined outcome.

const CHECK_PATH = cecPath('checkClickToCallSupport');
const EVENTS_PATH = cecPath('getClickToCallEvents');
const DROP_PATH = cecPath('dropClickToCall');

interface Options {
  readonly timeout?: number;
  readonly maxQueueTime?: number;
  readonly engine?: 'none' | 'jssip';
}

/** An element polling every 10 ms on a CEC that plays `script`, and the events it fires. */
async function callOn(script: CallScript, { timeout = 15000, maxQueueTime = 600000, engine = 'none' }: Options = {}) {
  useScenario({ queueMs: 30, ...script });
  const el = await fixture<ClickToCall>(html`
    <click-to-call media-engine=${engine} token-endpoint=${TOKEN_ENDPOINT} poll-interval="10" timeout=${timeout}
      max-queue-time=${maxQueueTime}></click-to-call>
  `);
  const heard: (Event & { detail?: Record<string, unknown> })[] = [];
  for (const type of eventNames) el.addEventListener(type, (event) => heard.push(event));
  const story = () => heard.map((event) => event.type).filter((type) => type !== 'call-request');
  const waitFor = async (type: string, timeoutMs = 4000) => {
    await waitUntil(() => heard.some((event) => event.type === type), `no ${type}: ${story()}`, { timeout: timeoutMs });
    return heard.find((event) => event.type === type)!;
  };
  return { el, heard, story, waitFor };
}

/** getUserMedia's streams during `test`, to see that every track is stopped. */
async function watchingDevices(test: (streams: MediaStream[]) => Promise<void>) {
  const devices = navigator.mediaDevices;
  const original = devices.getUserMedia;
  const streams: MediaStream[] = [];
  devices.getUserMedia = async (constraints) => {
    const stream = await original.call(devices, constraints);
    streams.push(stream);
    return stream;
  };
  try {
    await test(streams);
  } finally {
    devices.getUserMedia = original;
  }
}

const needsDevices = (title: string, test: () => Promise<void>) =>
  itExcept(['webkit'], "WebKitGTK's MiniBrowser has no fake microphone or camera", title, test);

describe('CEC, as its documentation allows it to behave', () => {
  describe('long polling', () => {
    it('a poll CEC holds longer than `timeout` is not a failure: the call connects', async () => {
      // timeout="300" bounds the other requests; polls have their own poll-timeout (35 s by default).
      const { el, waitFor, story } = await callOn({ holdPollMs: 800, queueMs: 1200 }, { timeout: 300 });
      el.start('voice');
      await waitFor('call-connected', 6000);
      expect(story()).to.deep.equal(['call-started', 'call-queued', 'call-connected']);
      expect(el.state).to.equal('connected');
    });

    it('a poll held past poll-timeout counts as a failed poll', async () => {
      useScenario({ holdPollMs: 5000, queueMs: 60_000 });
      const el = await fixture<ClickToCall>(html`
        <click-to-call media-engine="none" token-endpoint=${TOKEN_ENDPOINT} poll-interval="10" poll-timeout="100"
          max-poll-failures="2"></click-to-call>
      `);
      const failed = new Promise<CustomEvent>((resolve) => el.addEventListener('call-failed', (e) => resolve(e as CustomEvent)));
      el.start('voice');
      expect((await failed).detail.reason).to.equal('lost');
    });
  });

  describe('state reported on every poll', () => {
    it('fires call-queued once and call-connected once when every poll repeats the state', async () => {
      const { el, waitFor, story } = await callOn({ repeatState: true, queueMs: 300 });
      el.start('voice');
      await waitFor('call-connected');
      await waitUntil(() => requests(EVENTS_PATH).length >= 40, 'more polls repeating "connected"', { timeout: 4000 });
      expect(story()).to.deep.equal(['call-started', 'call-queued', 'call-connected']);
      expect(el.state).to.equal('connected');
    });

    it('reads eventId 168101 as a string too', async () => {
      const { el, waitFor } = await callOn({ eventId: 'string' });
      el.start('voice');
      await waitFor('call-connected');
    });

    it('reads "Call connected" without any eventId', async () => {
      const { el, waitFor } = await callOn({ eventId: 'none' });
      el.start('voice');
      await waitFor('call-connected');
    });

    it('ignores texts the docs do not list', async () => {
      const { el, waitFor, story } = await callOn({ unknownTexts: true, queueMs: 200 });
      el.start('voice');
      await waitFor('call-connected');
      expect(story()).to.deep.equal(['call-started', 'call-queued', 'call-connected']);
    });
  });

  describe('the gateway CEC hands over', () => {
    const connected = (gwAddresses: unknown, extra: Record<string, unknown> = {}) =>
      readCallEvent({
        status: 200,
        headers: new Headers(),
        body: JSON.stringify({
          resultCode: '0',
          resultDesc: 'Call connected',
          eventId: 168101,
          content: { domain: 'gw.example', gwAddresses, accessCode: '1010', clickToCallCaller: 'v', ...extra },
        }),
      });
    const addressesOf = (gwAddresses: unknown) => {
      const event = connected(gwAddresses);
      return event.type === 'connected' ? event.gateway.gwAddresses : event;
    };

    it('reads ip:port, host:port and wss:// URLs with paths, in order', () => {
      expect(addressesOf(['10.0.0.1:8443', 'gw.example:443', 'wss://gw.example:8443/sip'])).to.deep.equal([
        '10.0.0.1:8443',
        'gw.example:443',
        'wss://gw.example:8443/sip',
      ]);
    });

    it('reads a comma-joined string and nested arrays', () => {
      expect(addressesOf('10.0.0.1:8443, wss://gw.example:8443/sip')).to.deep.equal(['10.0.0.1:8443', 'wss://gw.example:8443/sip']);
      expect(addressesOf([['10.0.0.1:8443'], [['gw.example:443']]])).to.deep.equal(['10.0.0.1:8443', 'gw.example:443']);
    });

    it('leaves out what cannot be a WebSocket address', () => {
      expect(addressesOf(['https://gw.example', 'sip:1.2.3.4:5060', 42, '', 'gw.example:8443'])).to.deep.equal(['gw.example:8443']);
    });

    it('is a failure, saying why, when no address, domain or access code can be used', () => {
      expect(connected([])).to.deep.equal({ type: 'failed', failure: { reason: 'failed', cause: 'CEC connected the call with no usable gateway address' } });
      expect(connected(['gw:1'], { domain: '' })).to.have.nested.property('failure.cause', 'CEC connected the call with no gateway domain');
      expect(connected(['gw:1'], { accessCode: null })).to.have.nested.property('failure.cause', 'CEC connected the call with no access code');
    });

    for (const content of ['missing', 'empty', 'malformed'] as const) {
      needsDevices(`${content} gateway content: call-failed (failed) at once, devices released, polling stopped, CEC's call dropped`, async () => {
        await watchingDevices(async (streams) => {
          const { el, waitFor, story } = await callOn({ connectedContent: content }, { engine: 'jssip' });
          el.start('voice');
          const failed = await waitFor('call-failed');
          expect(failed.detail).to.include({ media: 'voice', reason: 'failed' });
          expect(failed.detail!.cause).to.match(/^CEC connected the call with no /);
          expect(story()).to.deep.equal(['call-started', 'call-queued', 'call-failed']);
          expect(el.state).to.equal('error');
          expect(streams.flatMap((stream) => stream.getTracks()).map((track) => track.readyState)).to.deep.equal(['ended']);
          await waitUntil(() => requests(DROP_PATH).length === 1, 'dropClickToCall');
          await settled();
          const polls = requests(EVENTS_PATH).length;
          await aTimeout(100);
          expect(requests(EVENTS_PATH)).to.have.length(polls);
        });
      });
    }
  });

  describe('createClickToCall', () => {
    it('a 403 saying the request timed out is not sent again: call-error (timeout), and the call CEC may have made is dropped', async () => {
      const { el, waitFor } = await callOn({ create: 'request-timed-out' });
      el.start('voice');
      const error = await waitFor('call-error');
      expect(error.detail).to.include({ reason: 'timeout', status: 403 });
      await waitUntil(() => requests(DROP_PATH).length === 1, 'dropClickToCall');
      expect(requests(CREATE_PATH)).to.have.length(1);
    });

    it('a 401 is sent once more with a new token, never a third time', async () => {
      const { el, waitFor } = await callOn({});
      worker.use(http.post(CREATE_PATH, () => HttpResponse.json({ errorCode: 'APIGW.0301' }, { status: 401 })));
      el.start('voice');
      const error = await waitFor('call-error');
      expect(error.detail).to.include({ reason: 'auth', status: 401 });
      await settled();
      expect(requests(CREATE_PATH)).to.have.length(2);
      expect(requests(TOKEN_ENDPOINT)).to.have.length(2);
    });

    it('a cold click sends createClickToCall without waiting for the support check', async () => {
      let createSeen!: () => void;
      const created = new Promise<void>((resolve) => (createSeen = resolve));
      const { el, waitFor } = await callOn({});
      // The support check answers only once the create has arrived: waiting for it first would never end.
      worker.use(
        http.get(CHECK_PATH, async () => {
          await created;
          return HttpResponse.json({ resultCode: '0', clickToCallSupported: true });
        }),
        http.post(CREATE_PATH, () => {
          createSeen();
          return HttpResponse.json({ resultCode: '0', resultDesc: '' });
        }),
      );
      el.start('voice');
      await waitFor('call-started');
    });

    it('a cold click that CEC then says is not supported drops the call it made and is unavailable', async () => {
      const { el, waitFor, story } = await callOn({});
      worker.use(http.get(CHECK_PATH, () => HttpResponse.json({ resultCode: '0', clickToCallSupported: false })));
      const result = await el.start('voice');
      expect(result?.type).to.equal('call-unavailable');
      await waitFor('call-unavailable');
      expect(story()).to.deep.equal(['call-unavailable']);
      await waitUntil(() => requests(DROP_PATH).length === 1, 'dropClickToCall');
    });
  });

  describe('a slow CEC', () => {
    it('every answer 2 s late: the call still starts and connects, within the default timeouts', async () => {
      const { el, waitFor, story } = await callOn({ slowMs: 2000, queueMs: 100 });
      el.start('voice');
      await waitFor('call-connected', 15_000);
      expect(story()).to.deep.equal(['call-started', 'call-queued', 'call-connected']);
    }).timeout(20_000);
  });

  describe('newest token only (CEC keeps one token per visitor)', () => {
    it('ten elements on a page share one token: one request however many ask, and calls work with it', async () => {
      useScenario({ newestTokenOnly: true, queueMs: 60_000 });
      const page = await fixture<HTMLElement>(html`<div>
        ${Array.from({ length: 10 }, () => html`<click-to-call media-engine="none" token-endpoint=${TOKEN_ENDPOINT}></click-to-call>`)}
      </div>`);
      const elements = [...page.querySelectorAll<ClickToCall>('click-to-call')];
      for (const el of elements) el.dispatchEvent(new PointerEvent('pointerenter'));
      await settled();
      expect(requests(TOKEN_ENDPOINT)).to.have.length(1);
      expect((await elements[9].start('voice'))?.type).to.equal('call-started');
      expect(requests(TOKEN_ENDPOINT)).to.have.length(1);
      expect(requests(CREATE_PATH)).to.have.length(1);
    });
  });

  describe('one visitor, one call, on one page', () => {
    it('two elements clicked at once: one call; the other is unavailable until it ends, then idle', async () => {
      useScenario({ queueMs: 60_000 });
      const page = await fixture<HTMLElement>(html`<div>
        <click-to-call media-engine="none" token-endpoint=${TOKEN_ENDPOINT} poll-interval="10"></click-to-call>
        <click-to-call media-engine="none" token-endpoint=${TOKEN_ENDPOINT} poll-interval="10"></click-to-call>
      </div>`);
      const elements = [...page.querySelectorAll<ClickToCall>('click-to-call')];
      const outcomes = await Promise.all(elements.map((el) => el.start('voice')));
      const caller = elements[outcomes.findIndex((outcome) => outcome?.type === 'call-started')];
      const other = elements.find((el) => el !== caller)!;
      expect(caller).to.exist;
      expect(other.state).to.equal('unavailable');
      expect(requests(CREATE_PATH)).to.have.length(1);
      await caller.hangUp();
      await waitUntil(() => other.state === 'idle', 'the other element is idle again');
      expect((await other.start('video'))?.type).to.equal('call-started');
    });

    it('a token-endpoint that is no URL is a configuration error, with nothing sent and nothing left pending', async () => {
      const el = await fixture<ClickToCall>(html`<click-to-call media-engine="none" token-endpoint="http://"></click-to-call>`);
      const result = await el.start('voice');
      expect(result?.type).to.equal('call-error');
      expect((result as CustomEvent).detail.reason).to.equal('config');
      expect(await el.start('voice')).to.not.equal(result);
      expect(requests()).to.be.empty;
    });
  });

  describe('a queue CEC never ends', () => {
    it('fails as queue-timeout after max-queue-time, and drops the call', async () => {
      const { el, waitFor, story } = await callOn({ afterQueue: 'silence' }, { maxQueueTime: 300 });
      el.start('voice');
      const failed = await waitFor('call-failed');
      expect(failed.detail).to.include({ reason: 'queue-timeout' });
      expect(story()).to.deep.equal(['call-started', 'call-queued', 'call-failed']);
      await waitUntil(() => requests(DROP_PATH).length === 1, 'dropClickToCall');
    });

    it('does not fail a call an agent took before max-queue-time', async () => {
      const { el, waitFor, story } = await callOn({ queueMs: 50 }, { maxQueueTime: 300 });
      el.start('voice');
      await waitFor('call-connected');
      await aTimeout(400);
      expect(story()).to.deep.equal(['call-started', 'call-queued', 'call-connected']);
    });
  });
});
