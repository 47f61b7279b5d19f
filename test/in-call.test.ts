import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import type { ClickToCall } from '../src/click-to-call.element.js';
import { cecPath, defaultGateway, type CallScript } from '../mocks/handlers.js';
import { button, liveText, TOKEN_ENDPOINT } from './helpers.js';
import { itExcept } from './support/engine.js';
import { requests, settled, useScenario } from './support/msw.js';

// A whole call as the demo places it: the simulated CEC names the SIP relay on the test server (/sip, the
// stand-in for CEC's gateway, mocks/sip-relay.js), and the agent console (demo/agent.html) answers in a frame.

interface AgentState {
  registered: boolean;
  state: string;
  calls: number;
  answered: number;
  ended: number;
}

/** The gateway the simulated CEC hands over: the relay, on this page's own server. */
export const relayScript = (script: CallScript = {}): CallScript => ({
  queueMs: 10,
  gateway: { ...defaultGateway, domain: 'relay.local', gwAddresses: [`ws://${location.host}/sip`] },
  ...script,
});

/** The agent console in a frame, registered with the relay; `agent()` reads what it did. */
export async function openAgentConsole(query = 'auto-answer=1') {
  const frame = Object.assign(document.createElement('iframe'), { src: `/demo/agent.html?${query}`, title: 'Agent console' });
  frame.style.cssText = 'width:640px;height:480px';
  document.body.append(frame);
  const agent = () => (frame.contentWindow as (Window & { agent?: AgentState }) | null)?.agent;
  await waitUntil(() => agent()?.registered, 'the agent console registers with the relay', { timeout: 10_000 });
  return { frame, agent: () => agent()!, click: (id: string) => frame.contentDocument!.getElementById(id)!.click(), close: () => frame.remove() };
}

const remoteVideo = (el: ClickToCall) => el.shadowRoot!.querySelector<HTMLVideoElement>('video[part~="remote-video"]')!;

describe('a call through the SIP relay to the agent console', () => {
  let agentConsole: Awaited<ReturnType<typeof openAgentConsole>> | undefined;
  afterEach(() => agentConsole?.close());

  itExcept(['webkit'], 'WebKitGTK here has no fake camera and microphone', 'reaches active on a click of the video button, and the remote-video part plays frames', async () => {
    useScenario(relayScript());
    agentConsole = await openAgentConsole();
    const el = await fixture<ClickToCall>(html`<click-to-call token-endpoint=${TOKEN_ENDPOINT} poll-interval="50"></click-to-call>`);
    button(el, 'video').click();
    await oneEvent(el, 'call-active');
    expect(el.state).to.equal('active');
    const video = remoteVideo(el);
    await waitUntil(() => video.videoWidth > 0, 'the agent\'s picture arrives', { timeout: 10_000 });
    const frames = () => video.getVideoPlaybackQuality().totalVideoFrames;
    const first = frames();
    await waitUntil(() => frames() > first + 3, 'frames keep coming', { timeout: 10_000 });
    expect(agentConsole.agent().answered).to.equal(1);
    el.hangUp();
    await waitUntil(() => agentConsole!.agent().ended === 1, 'the agent\'s call ends too');
  })?.timeout(30_000);

  itExcept(['webkit'], 'WebKitGTK here has no fake camera and microphone', 'ends on the visitor\'s side when the agent hangs up', async () => {
    useScenario(relayScript());
    agentConsole = await openAgentConsole();
    const el = await fixture<ClickToCall>(html`<click-to-call token-endpoint=${TOKEN_ENDPOINT} poll-interval="50"></click-to-call>`);
    button(el, 'voice').click();
    await oneEvent(el, 'call-active');
    await waitUntil(() => agentConsole!.agent().state === 'talking', 'the agent has the call');
    const ended = oneEvent(el, 'call-ended');
    agentConsole.click('hang-up');
    expect((await ended).detail.by).to.equal('remote');
    expect(el.state).to.equal('ended');
  })?.timeout(30_000);

  itExcept(['webkit'], 'WebKitGTK here has no fake camera and microphone', 'fails clearly when no agent console is open: 480 from the relay, the call dropped at CEC', async () => {
    useScenario(relayScript());
    const el = await fixture<ClickToCall>(html`<click-to-call token-endpoint=${TOKEN_ENDPOINT} poll-interval="50"></click-to-call>`);
    button(el, 'voice').click();
    const failed = await oneEvent(el, 'call-failed');
    expect(failed.detail).to.include({ reason: 'media-failed', sipStatus: 480 });
    expect(liveText(el).alert).to.match(/could not reach the agent/i);
    await settled();
    expect(requests(cecPath('dropClickToCall'))).to.have.length(1);
  })?.timeout(30_000);
});
