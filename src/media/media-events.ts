import { ClickToCallEvent } from '../events.js';
import type { CallMedia } from '../state.js';
import type { CallQuality } from './call-quality.js';

export interface CallQualityDetail extends CallQuality {
  readonly media: CallMedia;
}

/**
 * While talking: how the call sounds, from the peer connection's statistics (read every 2 s), when its level
 * changes and every 10 s while it stays the same.
 */
export class CallQualityEvent extends ClickToCallEvent<CallQualityDetail> {
  constructor(detail: CallQualityDetail) {
    super('call-quality', detail);
  }
}

/**
 * While talking, the media path broke (ICE `disconnected` or `failed`): the call is being restarted. The call
 * stays `active`; `call-reconnected` follows, or `call-failed` (`media-failed`) 15 s after this event.
 */
export class CallReconnectingEvent extends ClickToCallEvent<{ readonly media: CallMedia }> {
  constructor(detail: { media: CallMedia }) {
    super('call-reconnecting', detail);
  }
}

/** The media path is back after `call-reconnecting`. */
export class CallReconnectedEvent extends ClickToCallEvent<{ readonly media: CallMedia }> {
  constructor(detail: { media: CallMedia }) {
    super('call-reconnected', detail);
  }
}
