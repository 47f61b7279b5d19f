import type { CallMedia } from '../state.js';
import { CallFailure } from '../transport/http.js';

/** What the visitor's browser answered to getUserMedia, as the reason the element reports. */
const reasons: Record<string, 'permission-denied' | 'no-device' | 'device-busy' | 'blocked-by-policy'> = {
  NotAllowedError: 'permission-denied',
  NotFoundError: 'no-device',
  OverconstrainedError: 'no-device',
  NotReadableError: 'device-busy',
  AbortError: 'device-busy',
  SecurityError: 'blocked-by-policy',
};

/**
 * The microphone (and camera, for video), asked for on the visitor's click before anything is sent to CEC.
 * Rejects with `CallFailure` whose reason says what the visitor can do about it.
 */
export async function openDevices(media: CallMedia): Promise<MediaStream> {
  if (!isSecureContext || !navigator.mediaDevices?.getUserMedia) {
    throw new CallFailure('insecure-context', 'the microphone needs a secure (https) page');
  }
  // A Permissions-Policy (or an iframe without `allow="microphone"`) refuses without asking the visitor.
  const policy = (document as { featurePolicy?: { allowsFeature(feature: string): boolean } }).featurePolicy;
  const features = media === 'video' ? ['microphone', 'camera'] : ['microphone'];
  if (policy && features.some((feature) => !policy.allowsFeature(feature))) {
    throw new CallFailure('blocked-by-policy', `the page's Permissions-Policy does not allow ${features.join(' and ')}`);
  }
  try {
    return await navigator.mediaDevices.getUserMedia({ audio: true, video: media === 'video' });
  } catch (error) {
    const name = (error as Error)?.name;
    throw new CallFailure(reasons[name] ?? 'device-busy', `getUserMedia failed: ${name}`);
  }
}

/** Stops every track, so the camera light goes off. */
export function closeDevices(stream: MediaStream | undefined): void {
  stream?.getTracks().forEach((track) => track.stop());
}
