import { waitUntil } from '@open-wc/testing';
import { defaultGateway, type CallScript } from '../../mocks/handlers.js';

// The demo's agent console (demo/agent.html) in a frame, and the simulated CEC pointed at the SIP relay on the
// test server (/sip, the stand-in for CEC's gateway, mocks/sip-relay.js), for tests of whole calls.

/** What the agent console tells tests (`window.agent`). */
interface AgentState {
  registered: boolean;
  state: string;
  calls: number;
  answered: number;
  ended: number;
}

/** A script whose "Call connected" names the relay, on this page's own server. */
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
