import { aTimeout, expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import type { ClickToCall } from '../src/click-to-call.element.js';
import { cecPath } from '../mocks/handlers.js';
import { button, liveText, TOKEN_ENDPOINT } from './helpers.js';
import { openAgentConsole, relayScript } from './support/agent-console.js';
import { engine, itExcept } from './support/engine.js';
import { requests, settled, useScenario } from './support/msw.js';

// A whole call as the demo places it: the simulated CEC names the SIP relay on the test server, and the agent
// console answers in a frame (test/support/agent-console.ts).

/** A test of a real call: WebKitGTK's MiniBrowser has no fake devices to call with. */
const inCall = (title: string, test: () => Promise<unknown>) =>
  itExcept(['webkit'], "WebKitGTK's MiniBrowser has no fake microphone or camera", title, test)?.timeout(30_000);

const remoteVideo = (el: ClickToCall) => el.shadowRoot!.querySelector<HTMLVideoElement>('video[part~="remote-video"]')!;

describe('a call through the SIP relay to the agent console', () => {
  let agentConsole: Awaited<ReturnType<typeof openAgentConsole>> | undefined;
  afterEach(() => agentConsole?.close());

  /** The agent console open (`query`: `auto-answer=1`, or '' to answer by hand), and a click on `media`'s button. */
  async function callTheConsole(media: 'voice' | 'video', query?: string): Promise<ClickToCall> {
    useScenario(relayScript());
    agentConsole = await openAgentConsole(query);
    const el = await fixture<ClickToCall>(html`<click-to-call token-endpoint=${TOKEN_ENDPOINT} poll-interval="50"></click-to-call>`);
    button(el, media).click();
    return el;
  }

  inCall('reaches active on a click of the video button, and the remote-video part plays frames', async () => {
    const el = await callTheConsole('video');
    await oneEvent(el, 'call-active');
    expect(el.state).to.equal('active');
    const video = remoteVideo(el);
    await waitUntil(() => video.videoWidth > 0, 'the agent\'s picture arrives', { timeout: 10_000 });
    // The picture plays on: frames counted where the engine counts them (headless Firefox counts none, and its clock
    // runs slow there).
    const frames = () => video.getVideoPlaybackQuality().totalVideoFrames;
    const [firstFrames, startedAt] = [frames(), video.currentTime];
    await waitUntil(() => (engine === 'firefox' ? !video.paused && video.currentTime > startedAt + 0.25 : frames() > firstFrames + 3), 'the picture plays', { timeout: 10_000 }).catch(() => {
      throw new Error(`the picture does not play: ${video.currentTime} s from ${startedAt}, ${frames()} frames from ${firstFrames}, paused ${video.paused}`);
    });
    expect(agentConsole!.agent().answered).to.equal(1);
    // The timer re-renders the element every second: the picture must play on, not reload.
    let reloads = 0;
    video.addEventListener('emptied', () => reloads++);
    await aTimeout(2500);
    expect(reloads, 'the remote video reloaded').to.equal(0);
    el.hangUp();
    await waitUntil(() => agentConsole!.agent().ended === 1, 'the agent\'s call ends too');
  });

  inCall('reports call-quality while talking, good on a clean path, with a signal indicator that names its level', async () => {
    const el = await callTheConsole('voice');
    await oneEvent(el, 'call-active');
    // Details, not events: an assertion's message must not walk the DOM behind an event.
    const heard: Record<string, unknown>[] = [];
    el.addEventListener('call-quality', (event) => heard.push({ ...event.detail }));
    await waitUntil(() => heard.length > 0, 'a call-quality event', { timeout: 8000 });
    const detail = heard[0] as { rtt: number; jitter: number; packetLoss: number; mos: number };
    expect(detail).to.include({ media: 'voice', level: 'good' });
    expect(detail.rtt).to.be.within(0, 200);
    expect(detail.jitter).to.be.within(0, 60);
    expect(detail.packetLoss).to.be.within(0, 0.05);
    expect(detail.mos).to.be.within(4, 4.5);
    await el.updateComplete;
    const indicator = el.shadowRoot!.querySelector('[part~="quality"]')!;
    expect(indicator.getAttribute('role')).to.equal('img');
    expect(indicator.getAttribute('aria-label')).to.equal('Connection: good');
    // Numbers and booleans only: chai describing a DOM node in a failure message hangs Firefox.
    expect(indicator.querySelectorAll('i.on').length).to.equal(3);
    expect(el.shadowRoot!.querySelector('.notice')!.textContent!.trim()).to.equal('');
    await expect(el).to.be.accessible();
    // The same level is not reported again within 10 s.
    await aTimeout(4500);
    expect(heard, JSON.stringify(heard)).to.have.length(1);
    await el.hangUp();
    await el.updateComplete;
    expect(Boolean(el.shadowRoot!.querySelector('[part~="quality"]')), 'the indicator goes with the call').to.equal(false);
    await waitUntil(() => agentConsole!.agent().ended === 1, 'the agent\'s call ends too');
  });

  // Headless Firefox here has no audio device: its AudioContext stays suspended, so nothing is measured.
  itExcept(['webkit', 'firefox'], 'no fake microphone (WebKitGTK), or no running AudioContext (headless Firefox)', 'shows the microphone\'s level while talking, nothing of it while muted, and says "You are muted." once when the visitor speaks muted', async () => {
    const el = await callTheConsole('voice');
    await oneEvent(el, 'call-active');
    await el.updateComplete;
    const meter = el.shadowRoot!.querySelector('[part~="mic-level"]')!;
    expect(meter.getAttribute('role')).to.equal('meter');
    expect(meter.getAttribute('aria-label')).to.equal('Microphone level');
    expect(meter.getAttribute('aria-valuemax')).to.equal('5');
    const lit = () => Number(el.shadowRoot!.querySelector('[part~="mic-level"]')?.getAttribute('aria-valuenow'));
    // The fake microphone beeps: the meter moves with it.
    let loudest = 0;
    await waitUntil(() => (loudest = Math.max(loudest, lit())) >= 2, 'the meter shows the beeps', { timeout: 5000 });
    expect(el.shadowRoot!.querySelectorAll('[part~="mic-level"] i.on').length).to.equal(lit());
    await expect(el).to.be.accessible();

    const notice = () => el.shadowRoot!.querySelector('.notice')!.textContent!.trim();
    const mute = () => el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="mute-button"]')!.click();
    mute();
    await waitUntil(() => notice() === 'You are muted.', 'the hint while beeping muted', { timeout: 5000 });
    expect(el.shadowRoot!.querySelector('.notice')!.getAttribute('role')).to.equal('status');
    let loudestMuted = 0;
    for (let reading = 0; reading < 10; reading++, await aTimeout(100)) loudestMuted = Math.max(loudestMuted, lit());
    expect(loudestMuted, 'the meter is dark while muted').to.equal(0);
    await expect(el).to.be.accessible();
    mute();
    await el.updateComplete;
    expect(notice(), 'unmuting ends the hint').to.equal('');
    await waitUntil(() => lit() > 0, 'the meter lights again');
    mute();
    await aTimeout(2500);
    expect(notice(), 'said once a call').to.equal('');
    el.strings = { micLevel: 'Your microphone' };
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part~="mic-level"]')!.getAttribute('aria-label'), 'the site\'s own text').to.equal('Your microphone');
    await el.hangUp();
    await el.updateComplete;
    expect(Boolean(el.shadowRoot!.querySelector('[part~="mic-level"]')), 'the meter goes with the call').to.equal(false);
  })?.timeout(30_000);

  inCall('ends on the visitor\'s side when the agent hangs up', async () => {
    const el = await callTheConsole('voice');
    await oneEvent(el, 'call-active');
    await waitUntil(() => agentConsole!.agent().state === 'talking', 'the agent has the call');
    const ended = oneEvent(el, 'call-ended');
    agentConsole!.click('hang-up');
    expect((await ended).detail.by).to.equal('remote');
    expect(el.state).to.equal('ended');
  });

  inCall('fails with the SIP status when the agent declines, and drops the call at CEC', async () => {
    const el = await callTheConsole('voice', '');
    await waitUntil(() => agentConsole!.agent().state === 'ringing', 'the console rings', { timeout: 10_000 });
    const failed = oneEvent(el, 'call-failed');
    agentConsole!.click('decline');
    expect((await failed).detail).to.include({ reason: 'media-failed', sipStatus: 603 });
    await settled();
    expect(requests(cecPath('dropClickToCall'))).to.have.length(1);
  });

  inCall('lets the agent answer by hand and mute: the agent\'s microphone track stops sending', async () => {
    const el = await callTheConsole('voice', '');
    await waitUntil(() => agentConsole!.agent().state === 'ringing', 'the console rings', { timeout: 10_000 });
    agentConsole!.click('answer');
    await oneEvent(el, 'call-active');
    await waitUntil(() => agentConsole!.agent().state === 'talking', 'the agent has the call');
    const sent = () => (agentConsole!.frame.contentDocument!.getElementById('self') as HTMLVideoElement).srcObject as MediaStream;
    expect(sent().getAudioTracks()[0].enabled).to.equal(true);
    agentConsole!.click('mute');
    expect(sent().getAudioTracks()[0].enabled).to.equal(false);
    expect(agentConsole!.frame.contentDocument!.getElementById('mute')!.getAttribute('aria-pressed')).to.equal('true');
    el.hangUp();
    await waitUntil(() => agentConsole!.agent().state === 'waiting', 'the agent\'s call ends');
  });

  inCall('fails clearly when no agent console is open: 480 from the relay, the call dropped at CEC', async () => {
    useScenario(relayScript());
    const el = await fixture<ClickToCall>(html`<click-to-call token-endpoint=${TOKEN_ENDPOINT} poll-interval="50"></click-to-call>`);
    button(el, 'voice').click();
    const failed = await oneEvent(el, 'call-failed');
    expect(failed.detail).to.include({ reason: 'media-failed', sipStatus: 480 });
    expect(liveText(el).alert).to.match(/could not reach the agent/i);
    await settled();
    expect(requests(cecPath('dropClickToCall'))).to.have.length(1);
  });

  inCall('says "ICE failed" when ICE fails before the agent answers (JsSIP cancels the INVITE itself)', async () => {
    // A peer connection whose ICE fails as soon as its offer is set, as Firefox's does with no usable network.
    const Original = RTCPeerConnection;
    window.RTCPeerConnection = class extends Original {
      override async setLocalDescription(description?: RTCLocalSessionDescriptionInit) {
        await super.setLocalDescription(description);
        Object.defineProperty(this, 'iceConnectionState', { value: 'failed' });
        this.dispatchEvent(new Event('iceconnectionstatechange'));
      }
    };
    try {
      const el = await callTheConsole('voice');
      const failed = await oneEvent(el, 'call-failed');
      expect(failed.detail).to.include({ reason: 'media-failed', cause: 'ICE failed' });
      expect(agentConsole!.agent().calls, 'no INVITE reached the agent').to.equal(0);
    } finally {
      window.RTCPeerConnection = Original;
    }
  });
});
