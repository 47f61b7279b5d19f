import type { CallErrorEvent, CallFailedEvent, CallUnavailableEvent } from './events.js';
import type { MediaSession } from './media/media-session.js';
import type { CallMedia, CallState } from './state.js';

/** Why the last attempt or call did not go on: what the element explains to the visitor. */
export type CallNotice = CallErrorEvent | CallFailedEvent | CallUnavailableEvent;

/** What the view shows of the call: a read-only snapshot. */
export interface CallView {
  readonly state: CallState;
  /** The media of the attempt or call in progress, or of the last one. */
  readonly media?: CallMedia;
  /** Why the element is in `error` or `unavailable`. */
  readonly notice?: CallNotice;
  /** The visitor hung up and CEC has not answered the drop yet. */
  readonly hangingUp: boolean;
  /** The call's devices and streams, while it has them. */
  readonly session?: Readonly<Pick<MediaSession, 'local' | 'remote' | 'activeSince' | 'muted' | 'cameraOff' | 'indicators'>>;
}
