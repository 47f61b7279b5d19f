import type { CallErrorReason, CallFailedReason, CallMedia, UnavailableReason } from './state.js';
import type { MessageRequestEvent, MessageSentEvent, SurveySentEvent } from './after-call/events.js';
import type { CallQualityEvent, CallReconnectedEvent, CallReconnectingEvent } from './media/media-events.js';
import type { Gateway } from './transport/cec-answers.js';

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

export interface CallMediaDetail {
  readonly media: CallMedia;
}

/** The gateway the browser places its SIP-over-WebSocket call to (cec-api.md §7). */
export interface CallConnectedDetail extends Gateway {
  readonly media: CallMedia;
}

export interface CallEndedDetail {
  readonly media: CallMedia;
  /** `local`: the visitor hung up (or left the page); `remote`: the agent or the network did. */
  readonly by: 'local' | 'remote';
}

export interface CallFailedDetail {
  readonly media: CallMedia;
  /**
   * `queue-timeout`: no agent answered in time; `failed`: CEC failed the call; `lost`: polling kept failing;
   * `media-failed`: the SIP/WebRTC call to the gateway failed.
   */
  readonly reason: CallFailedReason;
  /** With `media-failed`: the SIP response status, when the gateway sent one. */
  readonly sipStatus?: number;
  /** With `media-failed`: why, e.g. `Not Found`, `Connection Error`, `ICE failed`, `Timeout`. */
  readonly cause?: string;
  /** CTI cause code and text, when CEC gives them with "Call failed". */
  readonly causeId?: string;
  readonly causeDesc?: string;
}

export interface CallUnavailableDetail {
  /**
   * `not-supported`: CEC says click-to-call is off; `insecure-context`: not https; `no-webrtc`: no media devices
   * API; `in-another-tab`: the visitor has a call in progress in another tab or element (back to idle when it ends).
   */
  readonly reason: UnavailableReason;
}

/** Base of every event the element fires: bubbling, composed, with a frozen `detail`. */
export abstract class ClickToCallEvent<Detail> extends Event {
  readonly detail: Readonly<Detail>;

  constructor(type: string, detail: Detail, cancelable = false) {
    super(type, { bubbles: true, composed: true, cancelable });
    this.detail = Object.freeze({ ...detail });
  }
}

/**
 * The visitor asked for a call, and nothing has been sent yet (not even a request for the microphone).
 * Cancelable: `preventDefault()` sends nothing, e.g. to show a consent or business-hours dialog first and call
 * `start()` later.
 */
export class CallRequestEvent extends ClickToCallEvent<CallMediaDetail> {
  constructor(detail: CallMediaDetail) {
    super('call-request', detail, true);
  }
}

/** CEC accepted the call (resultCode `"0"`): an agent is being reserved. */
export class CallStartedEvent extends ClickToCallEvent<CallAnswerDetail> {
  constructor(detail: CallAnswerDetail) {
    super('call-started', detail);
  }
}

/** CEC answered resultCode `"13"`: no agent can take the call now. */
export class NoAgentsEvent extends ClickToCallEvent<CallAnswerDetail> {
  constructor(detail: CallAnswerDetail) {
    super('no-agents', detail);
  }
}

/**
 * The call could not be started (or, with reason `drop-failed`, CEC could not drop it; `message-failed` and
 * `survey-failed`, CEC did not take the visitor's message or rating); `detail.reason` says why.
 */
export class CallErrorEvent extends ClickToCallEvent<CallErrorDetail> {
  constructor(detail: CallErrorDetail) {
    super('call-error', detail);
  }
}

/** Calling cannot work here; the buttons are disabled until `reset()` (or, `in-another-tab`, until that call ends). */
export class CallUnavailableEvent extends ClickToCallEvent<CallUnavailableDetail> {
  constructor(detail: CallUnavailableDetail) {
    super('call-unavailable', detail);
  }
}

/** The call entered CEC's queue (once per entry). */
export class CallQueuedEvent extends ClickToCallEvent<CallMediaDetail> {
  constructor(detail: CallMediaDetail) {
    super('call-queued', detail);
  }
}

/** An agent took the call: `detail` has the WebRTC gateway to call. */
export class CallConnectedEvent extends ClickToCallEvent<CallConnectedDetail> {
  constructor(detail: CallConnectedDetail) {
    super('call-connected', detail);
  }
}

/** The visitor and the agent are talking: the SIP session to the gateway is confirmed. */
export class CallActiveEvent extends ClickToCallEvent<CallMediaDetail> {
  constructor(detail: CallMediaDetail) {
    super('call-active', detail);
  }
}

/** The call is over; fires once per call. */
export class CallEndedEvent extends ClickToCallEvent<CallEndedDetail> {
  constructor(detail: CallEndedDetail) {
    super('call-ended', detail);
  }
}

/** The call started but could not go on. */
export class CallFailedEvent extends ClickToCallEvent<CallFailedDetail> {
  constructor(detail: CallFailedDetail) {
    super('call-failed', detail);
  }
}

/** The event that ends a start attempt; `start()` resolves with it. */
export type CallOutcomeEvent = CallStartedEvent | NoAgentsEvent | CallErrorEvent | CallUnavailableEvent;

/** Every event the element fires, by name: the one list the typings, the demo and the tests derive from. */
export interface ClickToCallEventMap {
  'call-request': CallRequestEvent;
  'call-started': CallStartedEvent;
  'no-agents': NoAgentsEvent;
  'call-error': CallErrorEvent;
  'call-unavailable': CallUnavailableEvent;
  'call-queued': CallQueuedEvent;
  'call-connected': CallConnectedEvent;
  'call-active': CallActiveEvent;
  'call-ended': CallEndedEvent;
  'call-failed': CallFailedEvent;
  'call-quality': CallQualityEvent;
  'call-reconnecting': CallReconnectingEvent;
  'call-reconnected': CallReconnectedEvent;
  'message-request': MessageRequestEvent;
  'message-sent': MessageSentEvent;
  'survey-sent': SurveySentEvent;
}

export type ClickToCallEventName = keyof ClickToCallEventMap;

/**
 * The event names at run time (for listeners that log them all), in the order they can happen; test/helpers.ts
 * fails to compile when one of the map is missing.
 */
export const eventNames = [
  'call-request',
  'call-unavailable',
  'call-started',
  'no-agents',
  'call-error',
  'call-queued',
  'call-connected',
  'call-active',
  'call-quality',
  'call-reconnecting',
  'call-reconnected',
  'call-ended',
  'call-failed',
  'message-request',
  'message-sent',
  'survey-sent',
] as const satisfies readonly ClickToCallEventName[];

declare global {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the map's entries are its members
  interface GlobalEventHandlersEventMap extends ClickToCallEventMap {}
}
