import type { CallState } from './state.js';

/**
 * Every text the element shows or announces, in English: button labels, one status text per state, and one
 * explanation per error, failure and unavailability reason.
 */
export const strings = {
  voice: 'Voice call',
  video: 'Video call',
  hangUp: 'Hang up',
  mute: 'Mute',
  camera: 'Camera off',
  idle: '',
  busy: 'Connecting…',
  started: 'Waiting for an agent…',
  queued: 'You are in the queue.',
  connected: 'Connected to an agent.',
  active: 'In call with an agent.',
  ended: 'Call ended.',
  hangingUp: 'Hanging up…',
  'no-agents': 'No agent is free now. Please try again later.',
  error: 'The call could not be started. Please try again.',
  network: 'Check your connection and try again.',
  config: 'Calling is not available on this page.',
  'queue-timeout': 'No agent answered in time. Please try again later.',
  failed: 'The call could not be connected. Please try again.',
  lost: 'The call was lost. Please try again.',
  'not-supported': 'Calls are not available right now.',
  'insecure-context': 'Calls need a secure (https) page.',
  'no-webrtc': 'This browser cannot make calls.',
  'in-another-tab': 'A call is already in progress in another tab.',
  'media-failed': 'The call could not reach the agent. Please try again.',
  'permission-denied': 'Allow this site to use your microphone (and camera), then try again.',
  'no-device': 'No microphone (or camera) was found. Connect one and try again.',
  'device-busy': 'Your microphone or camera is in use by another app. Close it and try again.',
  'blocked-by-policy': 'This page does not allow calls from your microphone.',
};

export type StringKey = keyof typeof strings;

/** A full set of texts: what a translation provides. */
export type Strings = Record<StringKey, string>;

/** Languages with built-in texts besides English; their texts load on demand, outside the core bundle. */
export const languages = ['zh', 'es', 'fr', 'de', 'ar', 'pt'] as const;
export type Language = 'en' | (typeof languages)[number];

/** Right-to-left languages among them. */
export const rtlLanguages: readonly Language[] = ['ar'];

const isKey = (key: string): key is StringKey => key in strings;

/**
 * What the two live regions say about the call: its state (polite `status`), and why it could not start or go
 * on (assertive `alert`, empty unless the state is `error`). `reason` is the error, failure or unavailability's.
 */
export function announcements(state: CallState, reason = '', hangingUp = false): { status: StringKey; alert: StringKey } {
  const status = hangingUp ? 'hangingUp' : state === 'unavailable' ? (isKey(reason) ? reason : 'idle') : state === 'error' ? 'idle' : state;
  const alert = state !== 'error' ? 'idle' : reason === 'timeout' ? 'network' : isKey(reason) ? reason : 'error';
  return { status, alert };
}
