// The class and its types without registering the tag: for subclassing or a custom tag name.
export { ClickToCall } from './click-to-call.element.js';
export { CallErrorEvent, CallStartedEvent, NoAgentsEvent } from './events.js';
export type { CallAnswerDetail, CallErrorDetail, CallOutcomeEvent } from './events.js';
export type { CallErrorReason, CallMedia, CallState } from './state.js';
export type { TokenGrant, TokenProvider, TokenRequest } from './transport/token.js';
