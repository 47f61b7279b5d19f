import { expect } from '@open-wc/testing';
import { readGrant, TokenCache, type TokenGrant } from '../src/transport/token.js';

/** A cache on a clock the test moves, whose loads the test resolves by hand. */
function cacheWithClock() {
  const clock = { now: 0 };
  const loads: { resolve: (grant: TokenGrant) => void; reject: (error: unknown) => void; signal: AbortSignal }[] = [];
  const cache = new TokenCache(
    (signal) => new Promise<TokenGrant>((resolve, reject) => loads.push({ resolve, reject, signal })),
    () => clock.now,
  );
  return { cache, clock, loads };
}

const never = new AbortController().signal;

describe('TokenCache', () => {
  it('shares one load between concurrent callers', async () => {
    const { cache, loads } = cacheWithClock();
    const first = cache.get(never);
    const second = cache.get(never);
    expect(loads).to.have.length(1);
    loads[0].resolve({ token: 'a', expiresIn: 3600 });
    expect(await first).to.equal(await second);
  });

  it('keeps a grant until 30 s before it expires', async () => {
    const { cache, clock, loads } = cacheWithClock();
    const pending = cache.get(never);
    loads[0].resolve({ token: 'a', expiresIn: 600 });
    await pending;
    clock.now = 569_999;
    expect((await cache.get(never)).token).to.equal('a');
    clock.now = 570_000;
    cache.get(never);
    expect(loads).to.have.length(2);
  });

  it('keeps a short-lived grant for four fifths of its lifetime, and an expiresIn 0 one not at all', async () => {
    const { cache, clock, loads } = cacheWithClock();
    const pending = cache.get(never);
    loads[0].resolve({ token: 'a', expiresIn: 20 });
    await pending;
    clock.now = 15_999;
    await cache.get(never);
    expect(loads).to.have.length(1);
    clock.now = 16_000;
    const next = cache.get(never);
    loads[1].resolve({ token: 'b', expiresIn: 0 });
    await next;
    cache.get(never);
    expect(loads).to.have.length(3);
  });

  it('sends a token CEC rotated from then on, for another hour', async () => {
    const { cache, clock, loads } = cacheWithClock();
    const pending = cache.get(never);
    loads[0].resolve({ token: 'a', expiresIn: 60, appKey: 'k' });
    const grant = await pending;
    cache.rotate(grant, 'b');
    clock.now = 3_000_000;
    expect(await cache.get(never)).to.deep.include({ token: 'b', appKey: 'k' });
    cache.rotate(grant, 'stale');
    expect((await cache.get(never)).token).to.equal('b');
    expect(loads).to.have.length(1);
  });

  it("assumes CEC's one-hour lifetime when expiresIn is absent", async () => {
    const { cache, clock, loads } = cacheWithClock();
    const pending = cache.get(never);
    loads[0].resolve({ token: 'a' });
    await pending;
    clock.now = 3_569_999;
    await cache.get(never);
    expect(loads).to.have.length(1);
  });

  it('does not cache a failed load', async () => {
    const { cache, loads } = cacheWithClock();
    const failed = cache.get(never);
    loads[0].reject(new Error('down'));
    await failed.catch(() => {});
    cache.get(never);
    expect(loads).to.have.length(2);
  });

  it('lets one caller give up without cancelling the load for the others', async () => {
    const { cache, loads } = cacheWithClock();
    const impatient = new AbortController();
    const abandoned = cache.get(impatient.signal);
    const patient = cache.get(never);
    impatient.abort();
    await abandoned.then(
      () => expect.fail('should reject'),
      () => {},
    );
    loads[0].resolve({ token: 'a' });
    expect((await patient).token).to.equal('a');
    expect(loads[0].signal.aborted).to.be.false;
  });

  it('invalidate() drops only the grant it is given', async () => {
    const { cache, loads } = cacheWithClock();
    const pending = cache.get(never);
    loads[0].resolve({ token: 'a' });
    const grant = await pending;
    cache.invalidate({ token: 'other' });
    expect(await cache.get(never)).to.equal(grant);
    cache.invalidate(grant);
    cache.get(never);
    expect(loads).to.have.length(2);
  });

  it('forget() makes the next caller load anew, dispose() also aborts the load', async () => {
    const { cache, loads } = cacheWithClock();
    cache.get(never).catch(() => {});
    cache.forget();
    cache.get(never).catch(() => {});
    expect(loads).to.have.length(2);
    expect(loads[0].signal.aborted).to.be.false;
    cache.dispose();
    expect(loads[1].signal.aborted).to.be.true;
  });
});

describe('readGrant', () => {
  it('reads the token endpoint shape', () => {
    expect(readGrant({ token: 't', expiresIn: 600, appKey: 'k', accessToken: 'a' })).to.deep.equal({
      token: 't',
      expiresIn: 600,
      appKey: 'k',
      accessToken: 'a',
    });
  });

  it("reads applyToken's own answer, and a numeric string expiresIn", () => {
    expect(readGrant({ resultCode: '0', token: 't', expiresIn: '60' })).to.deep.equal({
      token: 't',
      expiresIn: 60,
      appKey: undefined,
      accessToken: undefined,
    });
  });

  it('refuses answers without a usable token', () => {
    for (const body of [null, 'token', [], {}, { token: '' }, { token: 42 }, { resultCode: '1', token: 't' }]) {
      expect(readGrant(body), JSON.stringify(body)).to.be.undefined;
    }
  });

  it('ignores an expiresIn that is not a non-negative number', () => {
    expect(readGrant({ token: 't', expiresIn: 'soon' })!.expiresIn).to.be.undefined;
    expect(readGrant({ token: 't', expiresIn: -5 })!.expiresIn).to.be.undefined;
  });
});
