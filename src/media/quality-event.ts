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
