import { expect } from '@open-wc/testing';
import { isInCall, transition, type CallInput, type CallState } from '../src/state.js';

const resting: CallState[] = ['idle', 'ended', 'no-agents', 'error'];
const inCall: CallState[] = ['started', 'queued', 'connected'];
const all: CallState[] = [...resting, 'busy', ...inCall, 'unavailable'];

describe('call state machine', () => {
  it('starts a call only from a resting state', () => {
    for (const state of all) {
      expect(transition(state, 'start'), state).to.equal(resting.includes(state) ? 'busy' : undefined);
    }
  });

  it('ends a busy attempt in the state named by its outcome', () => {
    for (const outcome of ['started', 'no-agents', 'error', 'unavailable'] as const) {
      expect(transition('busy', outcome)).to.equal(outcome);
    }
  });

  it('ignores attempt outcomes when no attempt is busy', () => {
    for (const state of all.filter((s) => s !== 'busy')) {
      for (const outcome of ['started', 'no-agents', 'error'] as const) {
        expect(transition(state, outcome), `${state} + ${outcome}`).to.be.undefined;
      }
    }
  });

  it('follows a call: started → queued → connected → ended', () => {
    expect(transition('started', 'queued')).to.equal('queued');
    expect(transition('queued', 'connected')).to.equal('connected');
    expect(transition('started', 'connected')).to.equal('connected');
    expect(transition('connected', 'ended')).to.equal('ended');
  });

  it('enters the queue once: queued again, or after connected (a stale repeat), is ignored', () => {
    expect(transition('queued', 'queued')).to.be.undefined;
    expect(transition('connected', 'queued')).to.be.undefined;
    expect(transition('connected', 'connected')).to.be.undefined;
  });

  it('ends a call in progress in ended or (failed) error', () => {
    for (const state of inCall) {
      expect(transition(state, 'ended'), state).to.equal('ended');
      expect(transition(state, 'failed'), state).to.equal('error');
    }
  });

  it('ignores call events outside a call', () => {
    for (const state of all.filter((s) => !inCall.includes(s))) {
      for (const input of ['queued', 'connected', 'ended', 'failed'] as CallInput[]) {
        expect(transition(state, input), `${state} + ${input}`).to.be.undefined;
      }
    }
  });

  it('becomes unavailable only when no call is in progress, and stays until reset', () => {
    for (const state of all) {
      const expected = resting.includes(state) || state === 'busy' ? 'unavailable' : undefined;
      expect(transition(state, 'unavailable'), state).to.equal(expected);
    }
    expect(transition('unavailable', 'start')).to.be.undefined;
  });

  it('resets every state but idle to idle', () => {
    for (const state of all.filter((s) => s !== 'idle')) expect(transition(state, 'reset'), state).to.equal('idle');
    expect(transition('idle', 'reset')).to.be.undefined;
  });

  it('counts started, queued and connected as a call in progress', () => {
    for (const state of all) expect(isInCall(state), state).to.equal(inCall.includes(state));
  });
});
