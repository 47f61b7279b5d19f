import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  CallActiveEvent,
  CallRequestEvent,
  CallConnectedEvent,
  CallEndedEvent,
  CallErrorEvent,
  CallFailedEvent,
  CallQueuedEvent,
  CallStartedEvent,
  CallUnavailableEvent,
  NoAgentsEvent,
  type CallFailedDetail,
  type CallOutcomeEvent,
} from './events.js';
import { pollUntilAborted } from './poll.js';
import {
  isInCall,
  mediaAbility,
  transition,
  type CallInput,
  type CallMedia,
  type CallState,
  type Outcome,
  type UnavailableReason,
} from './state.js';
import {
  dropSucceeded,
  interpretCreateAnswer,
  readCallEvent,
  readSupport,
  type CallEvent,
  type Gateway,
} from './transport/cec-answers.js';
import { CecClient, type CecConfig } from './transport/cec-client.js';
import { CallFailure, untilAborted } from './transport/http.js';
import { closeDevices, openDevices } from './media/devices.js';
import { loadMediaEngine } from './chunks.js';
import type { SipCall } from './media/sip-call.js';

/** The element's settings, read afresh whenever they are needed. */
export interface CallConfig extends CecConfig {
  readonly disabled: boolean;
  readonly preflight: boolean;
  readonly pollIntervalMs: number;
  readonly maxPollFailures: number;
  /** When set, each step is logged with it (`debug` attribute); nothing logged contains a token. */
  readonly debug?: (step: string, detail?: unknown) => void;
  /** `jssip`: the element places the SIP/WebRTC call; `none`: the host page does, from `call-connected`. */
  readonly mediaEngine: 'jssip' | 'none';
  readonly iceServers: RTCIceServer[];
}

/** Why the last attempt or call did not go on: what the element explains to the visitor. */
export type CallNotice = CallErrorEvent | CallFailedEvent | CallUnavailableEvent;

/** `true`: CEC supports click-to-call; a reason: it cannot work here; `undefined`: unknown (the check failed). */
type Support = true | UnavailableReason | undefined;

interface Attempt {
  readonly abort: AbortController;
  result?: Promise<CallOutcomeEvent | null>;
  /** createClickToCall may have reached CEC, so leaving now must drop the call. */
  createSent: boolean;
  /** The visitor's microphone (and camera), granted on the click. */
  stream?: MediaStream;
}

interface Call {
  readonly media: CallMedia;
  readonly polling: AbortController;
  readonly stream?: MediaStream;
  hangingUp?: Promise<CallEndedEvent | null>;
  sip?: SipCall;
  remoteStream?: MediaStream;
  /** When the SIP session was confirmed (`Date.now()`). */
  activeSince?: number;
  muted?: boolean;
  cameraOff?: boolean;
}

type Host = ReactiveControllerHost & HTMLElement;

/**
 * Sequences a click-to-dial call: support check → createClickToCall → polling getClickToCallEvents until the
 * call ends → dropClickToCall on hang-up, removal or page exit. Every step sets the state and fires one event.
 */
export class CallController implements ReactiveController {
  #state: CallState = 'idle';
  #media?: CallMedia;
  #notice?: CallNotice;
  #attempt?: Attempt;
  #call?: Call;
  #support?: Promise<Support>;
  /** Aborted when the host leaves the document: background work (the support check) stops. */
  #connection = new AbortController();
  readonly #cec: CecClient;

  readonly #host: Host;
  readonly #config: () => CallConfig;
  readonly #stateChanged: (state: CallState) => void;

  constructor(host: Host, config: () => CallConfig, stateChanged: (state: CallState) => void) {
    this.#host = host;
    this.#config = config;
    this.#stateChanged = stateChanged;
    this.#cec = new CecClient(config);
    host.addController(this);
  }

  get state(): CallState {
    return this.#state;
  }

  /** The media of the attempt or call in progress, or of the last one. */
  get media(): CallMedia | undefined {
    return this.#media;
  }

  /** Why the element is in `error` or `unavailable`. */
  get notice(): CallNotice | undefined {
    return this.#notice;
  }

  /** The visitor hung up and CEC has not answered the drop yet. */
  get hangingUp(): boolean {
    return Boolean(this.#call?.hangingUp);
  }

  /** The call in progress, for the view: local and remote media, mute and camera state, start time. */
  get call(): Readonly<Call> | undefined {
    return this.#call;
  }

  /** Mutes or unmutes the visitor's microphone (or turns the camera off and on) during a call. */
  setTrack(kind: 'audio' | 'video', off: boolean): void {
    const call = this.#call;
    if (!call?.stream) return;
    for (const track of call.stream.getTracks()) if (track.kind === kind) track.enabled = !off;
    if (kind === 'audio') call.muted = off;
    else call.cameraOff = off;
    this.#host.requestUpdate();
  }

  hostConnected(): void {
    this.#connection = new AbortController();
    window.addEventListener('pagehide', this.#onPageHide);
    if (this.#config().preflight) this.prepare();
  }

  hostDisconnected(): void {
    window.removeEventListener('pagehide', this.#onPageHide);
    this.reset();
    this.#connection.abort();
    this.#cec.dispose();
  }

  /**
   * On hover or focus, ahead of a click: fetches (or refreshes) the token and checks whether calling can work
   * here (`unavailable` if not). Concurrent or repeated calls share one token request.
   */
  prepare(): void {
    const resting = this.#state === 'idle' || this.#state === 'ended' || this.#state === 'no-agents' || this.#state === 'error';
    if (!resting || this.#config().disabled || !this.#host.isConnected) return;
    try {
      this.#cec.validate();
    } catch {
      return; // a click reports the configuration error
    }
    // So that the click needs one round trip, createClickToCall: the verdict and a fresh token are ready.
    if (this.#support) {
      this.#cec.prefetchToken(this.#connection.signal);
      return;
    }
    this.#checkSupport().then((support) => {
      if (typeof support === 'string' && this.#state === 'idle') this.#becomeUnavailable(support);
    });
  }

  /**
   * Starts an attempt, or joins the one in flight. Resolves with the event that ended it, or `null` when
   * nothing was sent (disabled, not in a document, a call in progress, unavailable) or the attempt was
   * cancelled by `reset()` or removal.
   */
  start(media: CallMedia): Promise<CallOutcomeEvent | null> {
    if (this.#attempt?.result) return this.#attempt.result;
    const refused =
      this.#config().disabled ||
      !this.#host.isConnected ||
      !transition(this.#state, 'start') ||
      this.#fire(new CallRequestEvent({ media })).defaultPrevented ||
      !this.#apply('start');
    if (refused) return Promise.resolve(null);
    this.#media = media;
    this.#notice = undefined;
    const attempt: Attempt = { abort: new AbortController(), createSent: false };
    attempt.result = this.#run(media, attempt).then((outcome) => {
      if (attempt.abort.signal.aborted) return null;
      this.#attempt = undefined;
      return this.#finish(media, outcome, attempt.stream);
    });
    this.#attempt = attempt;
    return attempt.result;
  }

  /**
   * Ends the call in progress: stops polling, sends dropClickToCall, and ends in `ended` with `call-ended`
   * {by: 'local'} (after `call-error` {reason: 'drop-failed'} if CEC could not drop it). While the call is
   * being started, hangs up as soon as it has started.
   */
  hangUp(): Promise<CallEndedEvent | null> {
    const attempt = this.#attempt?.result;
    if (attempt) return attempt.then(() => this.hangUp());
    const call = this.#call;
    if (!call || !isInCall(this.#state)) return Promise.resolve(null);
    return (call.hangingUp ??= this.#drop(call));
  }

  /** Back to `idle` from anywhere: an attempt in flight is aborted, a call in progress dropped, no event fires. */
  reset(): void {
    if (this.#call || this.#attempt?.createSent) this.#cec.sendOnExit('dropClickToCall', {});
    this.#call?.sip?.close();
    closeDevices(this.#call?.stream);
    closeDevices(this.#attempt?.stream);
    this.#call?.polling.abort();
    this.#attempt?.abort.abort();
    this.#call = this.#attempt = this.#support = undefined;
    this.#apply('reset');
  }

  async #run(media: CallMedia, attempt: Attempt): Promise<Outcome | { type: 'unavailable'; reason: UnavailableReason }> {
    const { signal } = attempt.abort;
    try {
      this.#cec.validate();
      if (this.#config().mediaEngine !== 'none') {
        attempt.stream = await openDevices(media);
        if (signal.aborted) closeDevices(attempt.stream);
        signal.throwIfAborted();
      }
      const support = await untilAborted(this.#checkSupport(), signal);
      if (typeof support === 'string') return { type: 'unavailable', reason: support };
      attempt.createSent = true;
      const answer = await this.#cec.send('createClickToCall', { mediaAbility: mediaAbility[media] }, signal);
      return interpretCreateAnswer(answer);
    } catch (error) {
      if (error instanceof CallFailure) {
        const { reason, message, status } = error;
        return status === undefined ? { type: 'error', reason, message } : { type: 'error', reason, message, status };
      }
      // Only an abort (whose outcome is dropped) or a bug gets here; the visitor still sees a defined state.
      return { type: 'error', reason: 'protocol', message: 'unexpected failure while starting the call' };
    }
  }

  #finish(
    media: CallMedia,
    outcome: Outcome | { type: 'unavailable'; reason: UnavailableReason },
    stream: MediaStream | undefined,
  ): CallOutcomeEvent {
    if (outcome.type !== 'started') closeDevices(stream);
    if (outcome.type === 'unavailable') return this.#becomeUnavailable(outcome.reason)!;
    if (outcome.type === 'error') {
      const { type: _, ...detail } = outcome;
      if (outcome.reason === 'config') console.error(`<click-to-call>: ${outcome.message}`);
      return this.#enter(outcome.type, (this.#notice = new CallErrorEvent({ media, ...detail })));
    }
    const detail = { media, resultCode: outcome.resultCode, resultDesc: outcome.resultDesc };
    if (outcome.type === 'no-agents') return this.#enter(outcome.type, new NoAgentsEvent(detail));
    this.#apply('started');
    this.#poll(media, stream);
    return this.#fire(new CallStartedEvent(detail));
  }

  #poll(media: CallMedia, stream: MediaStream | undefined): void {
    const call: Call = { media, polling: new AbortController(), stream };
    this.#call = call;
    const { pollIntervalMs, maxPollFailures } = this.#config();
    pollUntilAborted({
      poll: async (signal) => readCallEvent(await this.#cec.send('getClickToCallEvents', undefined, signal)),
      onAnswer: (event) => this.#onCallEvent(call, event),
      onLost: () => this.#endCall(call, new CallFailedEvent({ media, reason: 'lost' })),
      intervalMs: pollIntervalMs,
      maxFailures: maxPollFailures,
      signal: call.polling.signal,
    });
  }

  #onCallEvent(call: Call, event: CallEvent): void {
    const { media } = call;
    const { type, ...detail } = event;
    if (type === 'queued' || type === 'connected') {
      if (!this.#apply(type)) return;
      this.#fire(type === 'queued' ? new CallQueuedEvent({ media }) : new CallConnectedEvent({ media, ...(detail as Gateway) }));
      if (type === 'connected' && call.stream && this.#call === call) this.#connectMedia(call, detail as Gateway);
    } else if (type !== 'none') {
      this.#endCall(call, type === 'ended' ? new CallEndedEvent({ media, by: 'remote' }) : new CallFailedEvent({ media, ...(detail as Omit<CallFailedDetail, 'media'>) }));
    }
  }

  async #drop(call: Call): Promise<CallEndedEvent | null> {
    call.polling.abort();
    call.sip?.close();
    this.#host.requestUpdate();
    let dropped = false;
    try {
      dropped = dropSucceeded(await this.#cec.send('dropClickToCall', {}, this.#connection.signal));
    } catch {
      // Any failure to drop is reported below; the call still ends here.
    }
    if (this.#call !== call) return null;
    if (!dropped) {
      this.#fire(new CallErrorEvent({ media: call.media, reason: 'drop-failed', message: 'CEC could not drop the call' }));
    }
    return this.#endCall(call, new CallEndedEvent({ media: call.media, by: 'local' }));
  }

  /**
   * The call is over: polling stops, the SIP session and the devices close, and the state and event say how it
   * ended. `dropCec`: the media leg ended first, so CEC's call is dropped too.
   */
  #endCall<E extends CallEndedEvent | CallFailedEvent>(call: Call, event: E, dropCec = false): E | null {
    if (this.#call !== call) return null;
    call.polling.abort();
    call.sip?.close();
    closeDevices(call.stream);
    if (dropCec) this.#cec.send('dropClickToCall', {}, this.#connection.signal).catch(() => {});
    this.#call = undefined;
    if (event instanceof CallFailedEvent) this.#notice = event;
    return this.#enter(event instanceof CallFailedEvent ? 'failed' : 'ended', event);
  }

  /** Places the SIP/WebRTC call to the gateway CEC named, with the devices granted on the click. */
  async #connectMedia(call: Call, gateway: Gateway): Promise<void> {
    const { media, stream } = call;
    const failed = (failure: { sipStatus?: number; cause: string }) =>
      this.#endCall(call, new CallFailedEvent({ media, reason: 'media-failed', ...failure }), true);
    let engine;
    try {
      engine = await loadMediaEngine();
    } catch {
      failed({ cause: 'the media engine could not be loaded' });
      return;
    }
    if (this.#call !== call) return;
    call.sip = engine.placeSipCall({
      gateway,
      stream: stream!,
      video: media === 'video',
      iceServers: this.#config().iceServers,
      onRemoteStream: (remote) => {
        call.remoteStream = remote;
        this.#host.requestUpdate();
      },
      onActive: () => {
        if (this.#call !== call || !this.#apply('active')) return;
        call.activeSince = Date.now();
        this.#fire(new CallActiveEvent({ media }));
      },
      onEnded: () => this.#endCall(call, new CallEndedEvent({ media, by: 'remote' }), true),
      onFailed: failed,
    });
  }

  #becomeUnavailable(reason: UnavailableReason): CallUnavailableEvent | undefined {
    if (!this.#apply('unavailable')) return undefined;
    return this.#fire((this.#notice = new CallUnavailableEvent({ reason })));
  }

  #checkSupport(): Promise<Support> {
    return (this.#support ??= this.#querySupport().then((support) => {
      if (support === undefined) this.#support = undefined; // unknown: ask again next time
      return support;
    }));
  }

  /** A failed check is no verdict: createClickToCall will then say what is wrong. */
  async #querySupport(): Promise<Support> {
    if (!window.isSecureContext) return 'insecure-context';
    if (!navigator.mediaDevices) return 'no-webrtc';
    try {
      const supported = readSupport(await this.#cec.send('checkClickToCallSupport', undefined, this.#connection.signal));
      return supported === false ? 'not-supported' : supported;
    } catch {
      return undefined;
    }
  }

  /** The visitor leaves: drop the call with a request that outlives the page. */
  readonly #onPageHide = () => {
    const call = this.#call;
    if (call && isInCall(this.#state)) {
      this.#cec.sendOnExit('dropClickToCall', {});
      this.#endCall(call, new CallEndedEvent({ media: call.media, by: 'local' }));
    } else if (this.#attempt) {
      this.reset();
    }
  };

  #enter<E extends Event>(input: CallInput, event: E): E {
    this.#apply(input);
    return this.#fire(event);
  }

  #fire<E extends Event>(event: E): E {
    this.#config().debug?.(`event ${event.type}`, (event as Event & { detail?: unknown }).detail);
    this.#host.dispatchEvent(event);
    return event;
  }

  #apply(input: CallInput): boolean {
    const next = transition(this.#state, input);
    if (next === undefined) return false;
    this.#state = next;
    this.#config().debug?.(`state ${next}`);
    this.#stateChanged(next);
    this.#host.requestUpdate();
    return true;
  }
}
