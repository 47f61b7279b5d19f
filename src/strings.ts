import type { CallNotice } from './call-controller.js';
import { CallFailedEvent, CallUnavailableEvent } from './events.js';
import type { CallState } from './state.js';

/** Every text the element shows or announces, in English. */
export const strings = {
  voice: 'Voice call',
  video: 'Video call',
  hangUp: 'Hang up',
  busy: 'Connecting…',
  started: 'Call requested. Waiting for an agent…',
  queued: 'You are in the queue. An agent will answer soon.',
  connected: 'Connected to an agent.',
  ended: 'Call ended.',
  hangingUp: 'Hanging up…',
  noAgents: 'No agent is available right now. Please try again later.',
  error: 'The call could not be started. Please try again.',
  errorConnection: 'The call could not be started. Check your connection and try again.',
  errorConfig: 'Calling is not available on this page.',
  queueTimeout: 'No agent could answer in time. Please try again later.',
  callFailed: 'The call could not be connected. Please try again.',
  callLost: 'The connection to the call was lost. Please try again.',
  notSupported: 'Calls are not available right now.',
  insecureContext: 'Calls need a secure (https) page.',
  noWebrtc: 'This browser cannot make calls.',
} as const;

/** What the polite live region says in each state (errors go to the alert region instead). */
export function statusText(state: CallState, notice: CallNotice | undefined, hangingUp: boolean): string {
  if (hangingUp) return strings.hangingUp;
  if (state === 'unavailable' && notice instanceof CallUnavailableEvent) {
    const { reason } = notice.detail;
    return reason === 'insecure-context' ? strings.insecureContext : reason === 'no-webrtc' ? strings.noWebrtc : strings.notSupported;
  }
  const texts: Partial<Record<CallState, string>> = strings;
  return state === 'no-agents' ? strings.noAgents : state === 'error' ? '' : (texts[state] ?? '');
}

/** What the alert region says in `error`. */
export function errorText(notice: CallNotice | undefined): string {
  if (notice instanceof CallFailedEvent) {
    const { reason } = notice.detail;
    return reason === 'queue-timeout' ? strings.queueTimeout : reason === 'lost' ? strings.callLost : strings.callFailed;
  }
  const reason = notice && !(notice instanceof CallUnavailableEvent) ? notice.detail.reason : undefined;
  if (reason === 'network' || reason === 'timeout') return strings.errorConnection;
  if (reason === 'config') return strings.errorConfig;
  return strings.error;
}
