/**
 * One visitor, one call: the tab whose element is in a call holds a Web Lock, which the browser releases when
 * that call ends or its tab closes; two tabs clicking at once cannot both have it. Every other element, on this
 * page or in another tab of the origin, hears of the call (directly, by BroadcastChannel, or by waiting on the
 * lock) and is unavailable until it ends. Without Web Locks (an insecure page, an old browser) nothing is held.
 */
const LOCK = 'click-to-call:call';

type Listener = (elsewhere: boolean) => void;
const listeners = new Set<Listener>();
/** The call this page holds, told apart from the others' by who claimed it. */
let holder: object | undefined;
let elsewhere = false;
let channel: BroadcastChannel | undefined;
/** Settles once this page's last lock is really given back (a new claim right after a release waits for it). */
let given: Promise<unknown> = Promise.resolve();
/** A claim of this page is on its way: a second one at the same time is refused, not queued behind the call. */
let claiming = false;

function tell(busy: boolean, except?: object): void {
  for (const listener of listeners) if (listener !== except) listener(busy);
}

/** Waits for another tab's call to end (its lock to be released), then says so. */
function awaitRelease(): void {
  if (elsewhere) return;
  elsewhere = true;
  tell(true);
  navigator.locks
    .request(LOCK, { mode: 'shared' }, () => undefined)
    .catch(() => undefined)
    .then(() => {
      elsewhere = false;
      if (!holder) tell(false);
    });
}

/** Starts listening, once per page: a call already running in another tab counts from the start. */
function listen(): void {
  if (channel || typeof BroadcastChannel !== 'function' || !navigator.locks) return;
  channel = new BroadcastChannel(LOCK);
  channel.onmessage = () => awaitRelease();
  navigator.locks.query().then(
    ({ held = [] }) => !holder && held.some((lock) => lock.name === LOCK && lock.mode === 'exclusive') && awaitRelease(),
    () => undefined,
  );
}

/**
 * Follows calls elsewhere: `listener(true)` while another element or tab has one, `listener(false)` when it
 * ended. Returns the way to stop.
 */
export function watchOtherCalls(listener: Listener): () => void {
  listen();
  listeners.add(listener);
  if (elsewhere || holder) listener(true);
  return () => listeners.delete(listener);
}

/**
 * Claims the visitor's one call for `listener`'s element: resolves with the release, or `undefined` when another
 * element or tab has the call.
 */
export function claimCall(listener: Listener): Promise<(() => void) | undefined> {
  if (holder || elsewhere || claiming) return Promise.resolve(undefined);
  const { locks } = navigator;
  if (!locks) return Promise.resolve(claimed(listener, () => undefined));
  claiming = true;
  return given
    .then(
      () =>
        new Promise<(() => void) | undefined>((resolve) => {
          const request = locks
            .request(LOCK, { ifAvailable: true }, (lock) => {
              if (!lock || holder) return resolve(undefined);
              // Held until released: the browser releases it too when this tab goes away.
              return new Promise<void>((release) => resolve(claimed(listener, release, request)));
            })
            .catch(() => resolve(undefined));
        }),
    )
    .then((release) => {
      claiming = false;
      // Refused: another tab has the call (or is just giving it back); this page hears when it is free.
      if (!release) awaitRelease();
      return release;
    });
}

function claimed(listener: Listener, unlock: () => void, request?: Promise<unknown>): () => void {
  const owner = (holder = {});
  channel?.postMessage('call');
  tell(true, listener);
  return () => {
    if (holder !== owner) return;
    holder = undefined;
    unlock();
    if (request) given = request;
    if (!elsewhere) tell(false, listener);
  };
}
