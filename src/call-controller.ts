import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { CallActiveEvent, CallConnectedEvent, CallEndedEvent, CallErrorEvent, CallFailedEvent } from './events.js';
import { CallQueuedEvent, CallRequestEvent, CallStartedEvent, CallUnavailableEvent, NoAgentsEvent } from './events.js';
import type { CallOutcomeEvent } from './events.js';
import type { Attempt, AttemptResult } from './attempt.js';
import { CallEngineLoader } from './call-engine-loader.js';
import { CallStatus } from './call-status.js';
import type { CallView } from './call-view.js';
import { loadMediaEngine } from './chunks.js';
import { watchOtherCalls } from './one-call.js';
import { joinOtherTabs } from './transport/visitor-token.js';
import type { MediaSession } from './media/media-session.js';
import type { CallSettings } from './settings.js';
import { isInCall, transition, type CallMedia, type CallState, type UnavailableReason } from './state.js';
import type { CallEvent, Gateway } from './transport/cec-answers.js';
import type { CecClient } from './transport/cec-client.js';

interface Call {
  readonly media: CallMedia;
  readonly settings: CallSettings;
  /** Aborted when the call ends: following it stops. */
  readonly polling: AbortController;
  readonly session?: MediaSession;
  readonly release?: () => void;
  hangingUp?: Promise<CallEndedEvent | null>;
}

/**
 * Sequences a click-to-dial call: support check → createClickToCall → following the call until it ends →
 * dropClickToCall on hang-up, removal or page exit. Each step sets the state and fires its event (a failed
 * drop fires `call-error`, then `call-ended`). An attempt runs on the settings it started with. The engine that
 * does the work (call-engine.ts) loads at the first `prepare()` or `start()`.
 */
export class CallController implements ReactiveController {
  readonly #status: CallStatus;
  #attempt?: Attempt;
  #call?: Call;
  readonly #engine = new CallEngineLoader();
  /** Aborted when the host leaves the document: background work (the support check) stops. */
  #connection = new AbortController();
  #unwatch?: () => void;
  /** How many times reset() ran: what was asked before one is answered into the void. */
  #resets = 0;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    stateChanged: (state: CallState) => void,
  ) {
    this.#status = new CallStatus(host, stateChanged);
    host.addController(this);
  }

  get view(): CallView {
    const { state, media, notice } = this.#status;
    return { state, media, notice, hangingUp: Boolean(this.#call?.hangingUp), session: this.#call?.session };
  }

  hostConnected(): void {
    this.#connection = new AbortController();
    window.addEventListener('pagehide', this.#onPageHide);
    this.#unwatch = watchOtherCalls(this.#onOtherCall);
    joinOtherTabs();
  }

  hostDisconnected(): void {
    window.removeEventListener('pagehide', this.#onPageHide);
    this.#unwatch?.();
    this.reset();
    this.#connection.abort();
    this.#engine.dispose();
  }

  /**
   * Ahead of a click (hover, focus, `preflight`): fetches (or refreshes) the token and checks whether calling
   * can work here (`unavailable` if not), so that the click needs one round trip, createClickToCall.
   */
  prepare(settings: CallSettings): void {
    if (!transition(this.#status.state, 'start')) return;
    this.#status.debug = settings.debug;
    const { signal } = this.#connection;
    const resets = this.#resets;
    this.#engine
      .ready()
      .then((engine) => (signal.aborted ? undefined : engine.prepare(settings, signal)))
      // A verdict asked before a reset() is not this element's any more.
      .then((support) => typeof support === 'string' && this.#status.state === 'idle' && this.#resets === resets && this.#becomeUnavailable(support))
      .catch(() => {}); // a click reports an engine that cannot load
  }

  /**
   * Starts an attempt, or joins the one in flight. Resolves with the event that ended it, or `null` when
   * nothing was sent (not in a document, a call in progress, unavailable, cancelled by `call-request`) or the
   * attempt was cancelled by `reset()` or removal.
   */
  start(media: CallMedia, settings: CallSettings): Promise<CallOutcomeEvent | null> {
    if (this.#attempt?.result) return this.#attempt.result;
    this.#status.debug = settings.debug;
    const refused =
      !this.host.isConnected ||
      !transition(this.#status.state, 'start') ||
      this.#status.fire(new CallRequestEvent({ media })).defaultPrevented ||
      !this.#status.apply('start');
    if (refused) return Promise.resolve(null);
    this.#status.media = media;
    this.#status.notice = undefined;
    const attempt: Attempt = { abort: new AbortController(), settings, createSent: false };
    const background = this.#connection.signal;
    attempt.result = this.#engine.attempt(attempt, media, background, this.#onOtherCall).then((outcome) => {
      if (attempt.abort.signal.aborted) return null;
      this.#attempt = undefined;
      return this.#finish(media, outcome, attempt);
    });
    this.#attempt = attempt;
    return attempt.result;
  }

  /**
   * Ends the call in progress: stops following it, sends dropClickToCall, and ends in `ended` with
   * `call-ended` {by: 'local'}. While the call is being started, hangs up as soon as it has started.
   */
  hangUp(): Promise<CallEndedEvent | null> {
    const attempt = this.#attempt?.result;
    if (attempt) return attempt.then(() => this.hangUp());
    const call = this.#call;
    if (!call || !isInCall(this.#status.state)) return Promise.resolve(null);
    return (call.hangingUp ??= this.#drop(call));
  }

  /** CEC's API with `settings`, once the engine is loaded: for the requests around a call (after-call/). */
  cec(settings: CallSettings): Promise<CecClient> {
    return this.#engine.ready().then((engine) => engine.client(settings));
  }

  /** Mutes or unmutes the microphone (`audio`), or turns the camera off and on (`video`), during a call. */
  setTrack(kind: 'audio' | 'video', off: boolean): void {
    this.#call?.session?.setTrack(kind, off);
    this.host.requestUpdate();
  }

  /** Back to `idle` from anywhere: an attempt in flight is aborted, a call in progress dropped, no event fires. */
  reset(): void {
    if (this.#call || this.#attempt?.createSent) this.#engine.loaded?.dropOnExit();
    this.#call?.session?.close();
    this.#attempt?.session?.close();
    this.#call?.polling.abort();
    this.#attempt?.abort.abort();
    this.#call?.release?.();
    this.#attempt?.release?.();
    this.#call = this.#attempt = undefined;
    this.#engine.loaded?.forgetSupport();
    this.#resets++;
    this.#status.apply('reset');
  }

  #finish(media: CallMedia, outcome: AttemptResult, { settings, session, release }: Attempt): CallOutcomeEvent {
    if (outcome.type !== 'started') {
      session?.close();
      release?.();
    }
    if (outcome.type === 'unavailable') return this.#becomeUnavailable(outcome.reason)!;
    if (outcome.type === 'error') {
      const { type: _, ...detail } = outcome;
      if (outcome.reason === 'config') console.error(`<click-to-call>: ${outcome.message}`);
      return this.#status.enter(outcome.type, (this.#status.notice = new CallErrorEvent({ media, ...detail })));
    }
    const detail = { media, resultCode: outcome.resultCode, resultDesc: outcome.resultDesc };
    if (outcome.type === 'no-agents') return this.#status.enter(outcome.type, new NoAgentsEvent(detail));
    this.#status.apply('started');
    this.#follow({ media, settings, polling: new AbortController(), session, release });
    return this.#status.fire(new CallStartedEvent(detail));
  }

  #follow(call: Call): void {
    this.#call = call;
    const { media, settings } = call;
    const { pollIntervalMs: intervalMs, pollTimeoutMs: timeoutMs, maxPollFailures: maxFailures, maxQueueMs } = settings;
    this.#engine.loaded!.follow({ intervalMs, timeoutMs, maxFailures, maxQueueMs }, call.polling.signal, (event) => this.#onCallEvent(call, event), () =>
      this.#endCall(call, new CallFailedEvent({ media, reason: 'lost' })),
    );
  }

  /** What CEC said about the call: the next state and its event. Repeats of the current state change nothing. */
  #onCallEvent(call: Call, event: CallEvent): void {
    const { media } = call;
    if (event.type === 'queued') {
      if (this.#status.apply('queued')) this.#status.fire(new CallQueuedEvent({ media }));
    } else if (event.type === 'connected') {
      if (!this.#status.apply('connected')) return;
      this.#status.fire(new CallConnectedEvent({ media, ...event.gateway }));
      if (this.#call === call) this.#connectMedia(call, event.gateway);
    } else if (event.type === 'ended') {
      this.#endCall(call, new CallEndedEvent({ media, by: 'remote' }));
    } else if (event.type === 'failed') {
      // A failure of our own (an unusable gateway, a queue past max-queue-time) is a call CEC still holds: dropped.
      this.#endCall(call, new CallFailedEvent({ media, ...event.failure }), event.failure.cause !== undefined);
    }
  }

  /** Places the SIP/WebRTC call to the gateway CEC named, with the devices granted on the click. */
  #connectMedia(call: Call, gateway: Gateway): void {
    const { media, settings } = call;
    void call.session?.connect(loadMediaEngine, gateway, settings.iceServers, {
      onChange: () => this.host.requestUpdate(),
      onActive: () => this.#call === call && this.#status.apply('active') && this.#status.fire(new CallActiveEvent({ media })),
      onEnded: () => this.#endCall(call, new CallEndedEvent({ media, by: 'remote' }), true),
      onFailed: (failure) => this.#endCall(call, new CallFailedEvent({ media, reason: 'media-failed', ...failure }), true),
      onEvent: (event) => this.#call === call && this.#status.fire(event),
      root: this.host.shadowRoot,
    });
  }

  async #drop(call: Call): Promise<CallEndedEvent | null> {
    call.polling.abort();
    call.session?.close();
    this.host.requestUpdate();
    const dropped = await this.#engine.loaded!.drop(this.#connection.signal);
    if (this.#call !== call) return null;
    if (!dropped) this.#status.fire(new CallErrorEvent({ media: call.media, reason: 'drop-failed', message: 'CEC could not drop the call' }));
    return this.#endCall(call, new CallEndedEvent({ media: call.media, by: 'local' }));
  }

  /**
   * The call is over: following stops, the media session closes, and the state and event say how it ended.
   * `dropCec`: the media leg ended first, so CEC's call is dropped too.
   */
  #endCall<E extends CallEndedEvent | CallFailedEvent>(call: Call, event: E, dropCec = false): E | null {
    if (this.#call !== call) return null;
    call.polling.abort();
    call.session?.close();
    if (dropCec) void this.#engine.loaded!.drop(this.#connection.signal);
    call.release?.();
    this.#call = undefined;
    if (event instanceof CallFailedEvent) this.#status.notice = event;
    return this.#status.enter(event instanceof CallFailedEvent ? 'failed' : 'ended', event);
  }

  #becomeUnavailable(reason: UnavailableReason): CallUnavailableEvent | undefined {
    if (!this.#status.apply('unavailable')) return undefined;
    return this.#status.fire((this.#status.notice = new CallUnavailableEvent({ reason })));
  }

  /** Another element or tab has the visitor's one call: unavailable until it ends, then back to idle. */
  readonly #onOtherCall = (elsewhere: boolean) => {
    // An attempt of this element is claiming the call itself: its claim answers it.
    if (elsewhere) {
      if (!this.#attempt) this.#becomeUnavailable('in-another-tab');
    } else if (this.#status.state === 'unavailable' && this.#status.notice?.detail.reason === 'in-another-tab') this.#status.apply('reset');
  };

  /** The visitor leaves: drop the call with a request that outlives the page. */
  readonly #onPageHide = () => {
    const call = this.#call;
    if (call && isInCall(this.#status.state)) {
      this.#engine.loaded!.dropOnExit();
      this.#endCall(call, new CallEndedEvent({ media: call.media, by: 'local' }));
    } else if (this.#attempt) {
      this.reset();
    }
  };
}
