/**
 * The element's visible state, reflected to the `state` attribute.
 * `started`, `queued`, `connected` and `active` (talking) are a call in progress; `ended`, `no-agents` and `error` are outcomes
 * after which the visitor can call again; `unavailable` stays until `reset()`.
 */
export type CallState =
  | 'idle'
  | 'busy'
  | 'started'
  | 'queued'
  | 'connected'
  | 'active'
  | 'ended'
  | 'no-agents'
  | 'error'
  | 'unavailable';

export type CallMedia = 'voice' | 'video';

export type CallErrorReason =
  | 'rejected'
  | 'auth'
  | 'http'
  | 'protocol'
  | 'network'
  | 'timeout'
  | 'token'
  | 'config'
  | 'drop-failed'
  | 'message-failed'
  | 'survey-failed'
  | MediaErrorReason;

/** Why the microphone or camera could not be had: no CEC request is sent then. */
export type MediaErrorReason = 'permission-denied' | 'no-device' | 'device-busy' | 'insecure-context' | 'blocked-by-policy';

export type CallFailedReason = 'queue-timeout' | 'failed' | 'lost' | 'media-failed';

export type UnavailableReason = 'not-supported' | 'insecure-context' | 'no-webrtc' | 'in-another-tab';

/** How one createClickToCall attempt ended: exactly one row of the outcome table in the README. */
export type Outcome =
  | { readonly type: 'started' | 'no-agents'; readonly resultCode: string; readonly resultDesc: string }
  | {
      readonly type: 'error';
      readonly reason: CallErrorReason;
      readonly message: string;
      readonly status?: number;
      readonly resultCode?: string;
      readonly resultDesc?: string;
    };

/** What can happen to the element: the visitor's actions, an attempt's outcome, and CEC's call events. */
export type CallInput =
  | 'start'
  | 'reset'
  | 'unavailable'
  | Outcome['type']
  | 'queued'
  | 'connected'
  | 'active'
  | 'ended'
  | 'failed';

const resting = { start: 'busy', reset: 'idle', unavailable: 'unavailable' } as const;
const inCall = { connected: 'connected', ended: 'ended', failed: 'error', reset: 'idle' } as const;

const transitions: Readonly<Record<CallState, Partial<Record<CallInput, CallState>>>> = {
  idle: { start: 'busy', unavailable: 'unavailable' },
  busy: { started: 'started', 'no-agents': 'no-agents', error: 'error', unavailable: 'unavailable', reset: 'idle' },
  started: { ...inCall, queued: 'queued' },
  queued: inCall,
  // Once an agent took the call, an "in queue" is a stale repeat (CEC may report the state on every poll).
  connected: { ...inCall, connected: undefined, active: 'active' },
  active: { ended: 'ended', failed: 'error', reset: 'idle' },
  ended: resting,
  'no-agents': resting,
  error: resting,
  unavailable: { reset: 'idle' },
};

/** The state after `input`, or `undefined` when `input` is not allowed in `state` (and must be ignored). */
export function transition(state: CallState, input: CallInput): CallState | undefined {
  return transitions[state][input];
}

/** A call is in progress: polling runs, the hang-up button shows, and a second call is refused. */
export function isInCall(state: CallState): boolean {
  return state === 'started' || state === 'queued' || state === 'connected' || state === 'active';
}
