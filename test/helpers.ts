import { aTimeout, fixture, html } from '@open-wc/testing';
import { cecPath, TOKEN_ENDPOINT } from '../mocks/handlers.js';
import type { ClickToCall } from '../src/click-to-call.element.js';
import type { CallOutcomeEvent, ClickToCallEventName, eventNames } from '../src/events.js';
import type { CallMedia } from '../src/state.js';
import '../src/define.js';

export { TOKEN_ENDPOINT };
export const CREATE_PATH = cecPath('createClickToCall');

/** `eventNames` (src/events.ts) lists every event of the map: this fails to compile otherwise. */
const everyEventListed: [Exclude<ClickToCallEventName, (typeof eventNames)[number]>] extends [never] ? true : never = true;
void everyEventListed;

/**
 * A `<click-to-call>` pointed at the simulated site's token endpoint. The media leg is out of these tests'
 * scope (`media-engine="none"`); test/media.test.ts and the real-call end-to-end test cover it.
 */
export function callButton(): Promise<ClickToCall> {
  return fixture<ClickToCall>(html`<click-to-call token-endpoint=${TOKEN_ENDPOINT} media-engine="none"></click-to-call>`);
}

/** Whether `token` is one the simulated CEC issued: CEC's documented form, URL-encoded Base64 of JSON naming the tenant. */
export function isSimulatedToken(token: string | null): boolean {
  try {
    return JSON.parse(atob(decodeURIComponent(token ?? ''))).tenantId === 'sim-tenant';
  } catch {
    return false;
  }
}

export function button(el: ClickToCall, media: CallMedia): HTMLButtonElement {
  const found = el.shadowRoot!.querySelector<HTMLButtonElement>(`button[part~="${media}-button"]`);
  if (!found) throw new Error(`no ${media} button`);
  return found;
}

export function buttons(el: ClickToCall): HTMLButtonElement[] {
  return [...el.shadowRoot!.querySelectorAll('button')];
}

export function liveText(el: ClickToCall): { status: string; alert: string } {
  const text = (selector: string) => el.shadowRoot!.querySelector(selector)!.textContent!.trim();
  return { status: text('[role="status"]'), alert: text('[role="alert"]') };
}

/** The events that end a start attempt without a call (`CallOutcomeEvent` but `call-unavailable`). */
const outcomeTypes = ['call-started', 'no-agents', 'call-error'] as const satisfies readonly ClickToCallEventName[];

/**
 * Runs `action`, waits for the first outcome event heard on `document` (which proves it bubbles and is
 * composed), then a little longer, and returns every outcome event heard.
 */
export async function outcomesOf(action: () => unknown, settleMs = 50): Promise<CallOutcomeEvent[]> {
  const heard: CallOutcomeEvent[] = [];
  let first!: () => void;
  const firstHeard = new Promise<void>((resolve) => (first = resolve));
  const listener = (event: Event) => {
    heard.push(event as CallOutcomeEvent);
    first();
  };
  for (const type of outcomeTypes) document.addEventListener(type, listener);
  try {
    await action();
    await firstHeard;
    await aTimeout(settleMs);
    return heard;
  } finally {
    for (const type of outcomeTypes) document.removeEventListener(type, listener);
  }
}

/** Every outcome event heard on `document` while `during` runs. */
export async function eventsDuring(during: () => Promise<unknown>): Promise<Event[]> {
  const heard: Event[] = [];
  const listener = (event: Event) => heard.push(event);
  for (const type of outcomeTypes) document.addEventListener(type, listener);
  try {
    await during();
    return heard;
  } finally {
    for (const type of outcomeTypes) document.removeEventListener(type, listener);
  }
}

/** Collects what the element writes to `console[level]` while `during` runs. */
export async function consoleOutput(level: 'warn' | 'error', during: () => unknown): Promise<string[]> {
  const original = console[level];
  const lines: string[] = [];
  console[level] = (...args: unknown[]) => lines.push(args.map(String).join(' '));
  try {
    await during();
    return lines;
  } finally {
    console[level] = original;
  }
}
