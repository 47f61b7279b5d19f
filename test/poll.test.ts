import { expect } from '@open-wc/testing';
import { backoffDelay, pollUntilAborted } from '../src/poll.js';

/** Runs the loop with a sleep that records its delays instead of waiting. */
async function runLoop(answers: (number | Error)[], { maxFailures = 5, random = () => 1 } = {}) {
  const controller = new AbortController();
  const delays: number[] = [];
  const seen: number[] = [];
  let lost: unknown;
  let inFlight = 0;
  let mostInFlight = 0;
  await pollUntilAborted<number>({
    poll: async () => {
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      await Promise.resolve();
      inFlight--;
      const next = answers.shift();
      if (next === undefined) controller.abort();
      if (next instanceof Error) throw next;
      return next ?? 0;
    },
    onAnswer: (answer) => seen.push(answer),
    onLost: (error) => (lost = error),
    intervalMs: 1000,
    maxFailures,
    signal: controller.signal,
    random,
    sleep: async (ms) => {
      delays.push(ms);
    },
  });
  return { delays, seen, lost, mostInFlight };
}

describe('polling', () => {
  it('passes each answer on, in order, one poll at a time', async () => {
    const { seen, mostInFlight } = await runLoop([1, 2, 3]);
    expect(seen).to.deep.equal([1, 2, 3]);
    expect(mostInFlight).to.equal(1);
  });

  it('waits out the rest of the interval after a quick answer', async () => {
    const { delays } = await runLoop([1, 2]);
    expect(delays).to.have.length(2);
    for (const delay of delays) expect(delay).to.be.within(900, 1000);
  });

  it('backs off exponentially, up to 8 s, while polls fail', async () => {
    const failures = [1, 2, 3, 4, 5].map(() => new Error('down'));
    const { delays } = await runLoop([...failures, 7], { maxFailures: 10 });
    expect(delays.slice(0, 5)).to.deep.equal([2000, 4000, 8000, 8000, 8000]);
  });

  it('starts again from the interval after a success', async () => {
    const { delays } = await runLoop([new Error('a'), new Error('b'), 1, new Error('c'), 2], { maxFailures: 3 });
    expect(delays[2]).to.be.within(900, 1000);
    expect(delays[3]).to.equal(2000);
  });

  it('gives up after maxFailures failures in a row, with the last error', async () => {
    const last = new Error('third');
    const { lost, seen } = await runLoop([new Error('1'), new Error('2'), last, 9], { maxFailures: 3 });
    expect(lost).to.equal(last);
    expect(seen).to.be.empty;
  });

  it('adds jitter: between half and all of the ceiling', () => {
    expect(backoffDelay(1, 1000, () => 0)).to.equal(1000);
    expect(backoffDelay(1, 1000, () => 1)).to.equal(2000);
    expect(backoffDelay(3, 1000, () => 0.5)).to.equal(6000);
    expect(backoffDelay(10, 1000, () => 1)).to.equal(8000);
  });

  it('stops as soon as an answer handler aborts', async () => {
    const controller = new AbortController();
    let polls = 0;
    await pollUntilAborted({
      poll: async () => ++polls,
      onAnswer: () => controller.abort(),
      onLost: () => {},
      intervalMs: 1,
      maxFailures: 1,
      signal: controller.signal,
    });
    expect(polls).to.equal(1);
  });
});
