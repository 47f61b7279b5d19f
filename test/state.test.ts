import { expect } from '@open-wc/testing';
import { transition, type CallInput, type CallState } from '../src/state.js';

describe('call state machine', () => {
  const outcomes = ['started', 'no-agents', 'error'] as const;

  it('starts a call only from a resting state', () => {
    for (const state of ['idle', 'started', 'no-agents', 'error'] as const) {
      expect(transition(state, 'start'), state).to.equal('busy');
    }
    expect(transition('busy', 'start')).to.be.undefined;
  });

  it('ends a busy attempt in the state named by its outcome', () => {
    for (const outcome of outcomes) expect(transition('busy', outcome)).to.equal(outcome);
  });

  it('ignores outcomes that arrive when no attempt is busy', () => {
    for (const state of ['idle', 'started', 'no-agents', 'error'] as const) {
      for (const outcome of outcomes) expect(transition(state, outcome), `${state} + ${outcome}`).to.be.undefined;
    }
  });

  it('resets every state but idle to idle', () => {
    const states: CallState[] = ['busy', 'started', 'no-agents', 'error'];
    for (const state of states) expect(transition(state, 'reset')).to.equal('idle');
    expect(transition('idle', 'reset' as CallInput)).to.be.undefined;
  });
});
