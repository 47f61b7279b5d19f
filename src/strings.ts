import type { CallErrorReason, CallMedia, CallState } from './state.js';

/** Every text the element shows or announces, in English. */
export const strings = {
  voice: 'Voice call',
  video: 'Video call',
  busy: 'Connecting…',
  started: 'Call requested. An agent will be with you shortly.',
  noAgents: 'No agent is available right now. Please try again later.',
  error: 'The call could not be started. Please try again.',
  errorConnection: 'The call could not be started. Check your connection and try again.',
  errorConfig: 'Calling is not available on this page.',
} as const;

export function mediaLabel(media: CallMedia): string {
  return strings[media];
}

export function errorText(reason: CallErrorReason | undefined): string {
  if (reason === 'network' || reason === 'timeout') return strings.errorConnection;
  if (reason === 'config') return strings.errorConfig;
  return strings.error;
}

/** What the polite live region says in each state; errors go to the alert region instead. */
export function statusText(state: CallState): string {
  if (state === 'busy') return strings.busy;
  if (state === 'started') return strings.started;
  if (state === 'no-agents') return strings.noAgents;
  return '';
}
