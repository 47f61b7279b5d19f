import type { UnavailableReason } from './state.js';

/** What the browser alone says, at once and without a request: a reason it cannot call, or `undefined`. */
export function browserCannotCall(): UnavailableReason | undefined {
  if (!window.isSecureContext) return 'insecure-context';
  if (!navigator.mediaDevices) return 'no-webrtc';
  return undefined;
}
