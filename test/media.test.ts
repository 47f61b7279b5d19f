import { aTimeout, expect, fixture, html, waitUntil } from '@open-wc/testing';
import { cecPath } from '../mocks/handlers.js';
import type { ClickToCall } from '../src/click-to-call.element.js';
import { openDevices } from '../src/media/devices.js';
import { gatewayUrls } from '../src/media/sip-call.js';
import { strings } from '../src/strings.js';
import { button, liveText, TOKEN_ENDPOINT } from './helpers.js';
import { itExcept } from './support/engine.js';
import { requests, useScenario } from './support/msw.js';

/** Replaces getUserMedia for one test: with a rejection named `error`, or by recording the real streams. */
function watchGetUserMedia(error?: string) {
  const devices = navigator.mediaDevices;
  const original = devices.getUserMedia;
  const streams: MediaStream[] = [];
  const calls: MediaStreamConstraints[] = [];
  devices.getUserMedia = async (constraints) => {
    calls.push(constraints!);
    if (error) throw new DOMException('refused', error);
    const stream = await original.call(devices, constraints);
    streams.push(stream);
    return stream;
  };
  return { streams, calls, restore: () => (devices.getUserMedia = original) };
}

const mediaCall = () => fixture<ClickToCall>(html`<click-to-call token-endpoint=${TOKEN_ENDPOINT} poll-interval="10"></click-to-call>`);

describe('<click-to-call> microphone and camera', () => {
  const needsDevices = (title: string, test: () => Promise<void>) =>
    itExcept(['webkit'], "WebKitGTK's MiniBrowser has no fake microphone or camera", title, test);

  for (const [error, reason] of [
    ['NotAllowedError', 'permission-denied'],
    ['NotFoundError', 'no-device'],
    ['OverconstrainedError', 'no-device'],
    ['NotReadableError', 'device-busy'],
    ['SecurityError', 'blocked-by-policy'],
  ] as const) {
    it(`ends in error with reason "${reason}" and sends nothing when getUserMedia fails with ${error}`, async () => {
      const gum = watchGetUserMedia(error);
      try {
        const el = await mediaCall();
        const result = await el.start('voice');
        expect(result?.type).to.equal('call-error');
        expect((result as { detail: { reason: string } }).detail.reason).to.equal(reason);
        expect(el.state).to.equal('error');
        await el.updateComplete;
        expect(liveText(el).alert).to.equal(strings[reason]);
        await aTimeout(30);
        expect(requests().map((r) => r.url.pathname)).to.be.empty;
        await expect(el).to.be.accessible();
      } finally {
        gum.restore();
      }
    });
  }

  needsDevices('asks for the microphone only for voice, and for the camera too for video, before any request', async () => {
    const gum = watchGetUserMedia();
    useScenario({ create: 'no-agents' });
    try {
      const el = await mediaCall();
      let requestsWhenAsked = -1;
      const original = navigator.mediaDevices.getUserMedia;
      navigator.mediaDevices.getUserMedia = (c) => ((requestsWhenAsked = requests().length), original(c));
      button(el, 'voice').click();
      await waitUntil(() => el.state === 'no-agents');
      navigator.mediaDevices.getUserMedia = original;
      await el.start('video');
      expect(requestsWhenAsked).to.equal(0);
      expect(gum.calls).to.deep.equal([
        { audio: true, video: false },
        { audio: true, video: true },
      ]);
    } finally {
      gum.restore();
    }
  });

  needsDevices('stops the tracks (camera light off) when the call does not go on', async () => {
    const gum = watchGetUserMedia();
    useScenario({ create: 'no-agents' });
    try {
      const el = await mediaCall();
      await el.start('video');
      expect(gum.streams).to.have.length(1);
      expect(gum.streams[0].getTracks().map((t) => t.readyState)).to.deep.equal(['ended', 'ended']);
    } finally {
      gum.restore();
    }
  });

  needsDevices('stops the tracks when the element is removed during a call', async () => {
    const gum = watchGetUserMedia();
    useScenario({ queueMs: 60_000 });
    try {
      const el = await mediaCall();
      await el.start('voice');
      expect(gum.streams[0].getTracks()[0].readyState).to.equal('live');
      el.remove();
      expect(gum.streams[0].getTracks()[0].readyState).to.equal('ended');
    } finally {
      gum.restore();
    }
  });

  needsDevices('fails with "media-failed" and drops the CEC call when the gateway cannot be reached', async () => {
    const gum = watchGetUserMedia();
    useScenario({ queueMs: 10, gateway: { domain: 'x', gwAddresses: ['ws://127.0.0.1:1', 'ws://127.0.0.1:2'], accessCode: '1', clickToCallCaller: 'v' } });
    try {
      const el = await mediaCall();
      const failed = new Promise<CustomEvent>((resolve) => el.addEventListener('call-failed', (e) => resolve(e as never)));
      await el.start('voice');
      const { detail } = await failed;
      expect(detail.reason).to.equal('media-failed');
      expect(detail.cause).to.equal('Connection Error');
      expect(el.state).to.equal('error');
      await waitUntil(() => requests(cecPath('dropClickToCall')).length === 1);
      expect(gum.streams[0].getTracks()[0].readyState).to.equal('ended');
    } finally {
      gum.restore();
    }
  })?.timeout(30_000);

  it('does not ask for devices with media-engine="none"', async () => {
    const gum = watchGetUserMedia();
    useScenario({ create: 'no-agents' });
    try {
      const el = await fixture<ClickToCall>(html`<click-to-call token-endpoint=${TOKEN_ENDPOINT} media-engine="none"></click-to-call>`);
      await el.start('video');
      expect(gum.calls).to.be.empty;
    } finally {
      gum.restore();
    }
  });

  it('refuses, as blocked-by-policy, when the Permissions-Policy does not allow the microphone', async () => {
    const doc = document as { featurePolicy?: unknown };
    const original = Object.getOwnPropertyDescriptor(Document.prototype, 'featurePolicy');
    Object.defineProperty(document, 'featurePolicy', { value: { allowsFeature: (f: string) => f !== 'microphone' }, configurable: true });
    try {
      const failure = await openDevices('voice').catch((error) => error);
      expect(failure.reason).to.equal('blocked-by-policy');
    } finally {
      delete doc.featurePolicy;
      if (original) expect(Object.getOwnPropertyDescriptor(Document.prototype, 'featurePolicy')).to.deep.equal(original);
    }
  });
});

describe('gateway addresses', () => {
  it('keeps ws(s) URLs and reads a bare host:port as wss://host:port, in order', () => {
    expect(gatewayUrls(['wss://a:1/ws', 'ws://b:2', 'c.example:8443'])).to.deep.equal([
      'wss://a:1/ws',
      'ws://b:2',
      'wss://c.example:8443',
    ]);
  });
});
