// The class and its types without registering the tag: for subclassing or a custom tag name.
export { ClickToCall } from './click-to-call.element.js';
export {
  CallActiveEvent,
  CallConnectedEvent,
  CallEndedEvent,
  CallErrorEvent,
  CallFailedEvent,
  CallQueuedEvent,
  CallRequestEvent,
  CallStartedEvent,
  CallUnavailableEvent,
  NoAgentsEvent,
} from './events.js';
export type {
  CallAnswerDetail,
  CallConnectedDetail,
  CallEndedDetail,
  CallErrorDetail,
  CallFailedDetail,
  CallMediaDetail,
  CallOutcomeEvent,
  CallUnavailableDetail,
} from './events.js';
export type { CallQualityDetail, CallQualityEvent, CallReconnectedEvent, CallReconnectingEvent } from './media/media-events.js';
export type { CallQuality, QualityLevel } from './media/call-quality.js';
export type { CallErrorReason, CallFailedReason, CallMedia, CallState, UnavailableReason } from './state.js';
export type { Gateway } from './transport/cec-answers.js';
export type { TokenGrant, TokenProvider, TokenRequest } from './transport/token.js';
