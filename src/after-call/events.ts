import { ClickToCallEvent } from '../events.js';
import type { CallMedia } from '../state.js';

/** Why the element offers the leave-a-message form: the outcome that left the visitor without an agent. */
export type MessageRequestReason = 'no-agents' | 'queue-timeout' | 'failed';

export interface MessageRequestDetail {
  /** The media of the call that did not reach an agent. */
  readonly media: CallMedia;
  readonly reason: MessageRequestReason;
}

export interface MessageSentDetail {
  /** The media of the call the message follows (before any call, the first button's). */
  readonly media: CallMedia;
  /** How to reach the visitor, as sent to CEC (trimmed). */
  readonly caller: string;
}

export interface SurveySentDetail {
  /** The level CEC offered and the visitor chose (its `satisfactionLevelKey`, e.g. `"5"`). */
  readonly level: string;
  /** The visitor's comment; `''` when they wrote none. */
  readonly comment: string;
}

/**
 * No agent could take the call and the element is about to show its leave-a-message form (`leave-message`).
 * Cancelable: `preventDefault()` shows nothing, so the site can open its own contact form.
 */
export class MessageRequestEvent extends ClickToCallEvent<MessageRequestDetail> {
  constructor(detail: MessageRequestDetail) {
    super('message-request', detail, true);
  }
}

/** CEC saved the visitor's message (doLeaveMessage answered resultCode `"0"`). */
export class MessageSentEvent extends ClickToCallEvent<MessageSentDetail> {
  constructor(detail: MessageSentDetail) {
    super('message-sent', detail);
  }
}

/** CEC saved the visitor's rating of the call (saveSatisfaction answered `"0"`). */
export class SurveySentEvent extends ClickToCallEvent<SurveySentDetail> {
  constructor(detail: SurveySentDetail) {
    super('survey-sent', detail);
  }
}
