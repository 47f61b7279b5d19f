import type { CallErrorReason, CallMedia } from './state.js';

/** What `call-started` and `no-agents` carry: CEC's answer to createClickToCall. */
export interface CallAnswerDetail {
  readonly media: CallMedia;
  /** CEC's `resultCode`, always a string (`"0"` or `"13"`). */
  readonly resultCode: string;
  /** CEC's `resultDesc` (also read from the documented `"resultDesc:"` typo key); `''` when absent. */
  readonly resultDesc: string;
}

export interface CallErrorDetail {
  readonly media: CallMedia;
  readonly reason: CallErrorReason;
  /** An English sentence for logs; never contains a token. */
  readonly message: string;
  /** HTTP status, when an HTTP answer caused the error. */
  readonly status?: number;
  readonly resultCode?: string;
  readonly resultDesc?: string;
}

/** Base of every event the element fires: bubbling, composed, not cancelable, with a frozen `detail`. */
abstract class ClickToCallEvent<Detail> extends Event {
  readonly detail: Readonly<Detail>;

  constructor(type: string, detail: Detail) {
    super(type, { bubbles: true, composed: true });
    this.detail = Object.freeze({ ...detail });
  }
}

/** CEC accepted the call (resultCode `"0"`): an agent is being reserved. */
export class CallStartedEvent extends ClickToCallEvent<CallAnswerDetail> {
  static readonly eventName = 'call-started';
  constructor(detail: CallAnswerDetail) {
    super(CallStartedEvent.eventName, detail);
  }
}

/** CEC answered resultCode `"13"`: no agent can take the call now. */
export class NoAgentsEvent extends ClickToCallEvent<CallAnswerDetail> {
  static readonly eventName = 'no-agents';
  constructor(detail: CallAnswerDetail) {
    super(NoAgentsEvent.eventName, detail);
  }
}

/** The call could not be started; `detail.reason` says why. */
export class CallErrorEvent extends ClickToCallEvent<CallErrorDetail> {
  static readonly eventName = 'call-error';
  constructor(detail: CallErrorDetail) {
    super(CallErrorEvent.eventName, detail);
  }
}

/** The event that ends an attempt; `start()` resolves with it. */
export type CallOutcomeEvent = CallStartedEvent | NoAgentsEvent | CallErrorEvent;

declare global {
  interface GlobalEventHandlersEventMap {
    'call-started': CallStartedEvent;
    'no-agents': NoAgentsEvent;
    'call-error': CallErrorEvent;
  }
}
