/** The element's visible state, reflected to the `state` attribute. */
export type CallState = 'idle' | 'busy' | 'started' | 'no-agents' | 'error';

export type CallMedia = 'voice' | 'video';

export type CallErrorReason =
  | 'rejected'
  | 'auth'
  | 'http'
  | 'protocol'
  | 'network'
  | 'timeout'
  | 'token'
  | 'config';

/** How one attempt ended: exactly one row of the outcome table in the README. */
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

export type CallInput = 'start' | 'reset' | Outcome['type'];

const transitions: Readonly<Record<CallState, Partial<Record<CallInput, CallState>>>> = {
  idle: { start: 'busy' },
  busy: { started: 'started', 'no-agents': 'no-agents', error: 'error', reset: 'idle' },
  started: { start: 'busy', reset: 'idle' },
  'no-agents': { start: 'busy', reset: 'idle' },
  error: { start: 'busy', reset: 'idle' },
};

/** The state after `input`, or `undefined` when `input` is not allowed in `state` (and must be ignored). */
export function transition(state: CallState, input: CallInput): CallState | undefined {
  return transitions[state][input];
}

export const mediaAbility: Readonly<Record<CallMedia, '0' | '1'>> = { voice: '0', video: '1' };
