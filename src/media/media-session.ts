import type { CallMedia } from '../state.js';
import type { Language } from '../strings.js';
import type { Gateway } from '../transport/cec-answers.js';
import { closeDevices, openDevices } from './devices.js';
import type { ClickToCallEvent } from '../events.js';
import type { IndicatorState } from './indicator-state.js';
import { CallQualityEvent, CallReconnectedEvent, CallReconnectingEvent } from './media-events.js';
import type { adoptIndicatorStyles, inCallIndicators, placeSipCall, SipCall, watchMicLevel } from './sip-call.js';

export interface MediaEngine {
  readonly placeSipCall: typeof placeSipCall;
  readonly inCallIndicators: typeof inCallIndicators;
  readonly adoptIndicatorStyles: typeof adoptIndicatorStyles;
  readonly watchMicLevel: typeof watchMicLevel;
  readonly IndicatorState: typeof IndicatorState;
}

export interface MediaCallbacks {
  /** Something the view shows changed: the agent's stream, mute, camera. */
  readonly onChange: () => void;
  /** The SIP session is confirmed: visitor and agent are talking. */
  readonly onActive: () => void;
  /** The agent hung up. */
  readonly onEnded: () => void;
  readonly onFailed: (failure: { sipStatus?: number; cause: string }) => void;
  /** `call-quality`, `call-reconnecting`, `call-reconnected`: to fire. */
  readonly onEvent: (event: ClickToCallEvent<unknown>) => void;
  /** Where the in-call view is: the indicators' styles go there. */
  readonly root: ShadowRoot | null;
}

/**
 * The visitor's side of a call: the microphone (and camera) granted on the click, the SIP/WebRTC call to the
 * gateway CEC names once an agent is connected, mute and camera, the agent's stream, and when talking began.
 */
export class MediaSession {
  remote?: MediaStream;
  /** When the SIP session was confirmed (`Date.now()`). */
  activeSince?: number;
  muted = false;
  cameraOff = false;
  /** The in-call indicators once talking (`html`: the element's Lit; `texts`: its texts, overrides included). */
  indicators?: (html: Parameters<typeof inCallIndicators>[0], language: Language, texts: object) => ReturnType<typeof inCallIndicators>;
  #indicators?: IndicatorState;
  #stopMicLevel?: () => void;
  #sip?: SipCall;
  #closed = false;

  private constructor(
    readonly media: CallMedia,
    readonly local: MediaStream,
  ) {}

  /** Asks for the devices `media` needs; rejects with `CallFailure` saying what the visitor can do. */
  static async open(media: CallMedia): Promise<MediaSession> {
    return new MediaSession(media, await openDevices(media));
  }

  /** Loads the media engine (`load`: where it is depends on the build) and calls the gateway with the granted devices. */
  async connect(
    load: () => Promise<MediaEngine>,
    gateway: Gateway,
    iceServers: readonly RTCIceServer[],
    callbacks: MediaCallbacks,
  ): Promise<void> {
    let engine;
    try {
      engine = await load();
    } catch {
      return callbacks.onFailed({ cause: 'the media engine could not be loaded' });
    }
    if (this.#closed) return;
    engine.adoptIndicatorStyles(callbacks.root);
    const indicators = (this.#indicators = new engine.IndicatorState(callbacks.onChange));
    const { media } = this;
    try {
      this.#sip = engine.placeSipCall({
        gateway,
        stream: this.local,
        video: media === 'video',
        iceServers: [...iceServers],
        onRemoteStream: (remote) => {
          this.remote = remote;
          callbacks.onChange();
        },
        onActive: () => {
          this.activeSince = Date.now();
          this.indicators = (html, language, texts) => engine.inCallIndicators(html, indicators, language, texts);
          callbacks.onActive();
          // A call-active listener may have hung up already.
          if (!this.#closed) this.#stopMicLevel = engine.watchMicLevel(this.local, (level) => indicators.micLevel(level, this.muted));
        },
        onEnded: callbacks.onEnded,
        onFailed: callbacks.onFailed,
        onQuality: (quality) => {
          indicators.quality(quality);
          callbacks.onEvent(new CallQualityEvent({ media, ...quality }));
        },
        onReconnecting: () => {
          indicators.reconnecting(true);
          callbacks.onEvent(new CallReconnectingEvent({ media }));
        },
        onReconnected: () => {
          indicators.reconnecting(false);
          callbacks.onEvent(new CallReconnectedEvent({ media }));
        },
      });
    } catch (error) {
      // JsSIP refuses what it cannot turn into SIP URIs (a domain or access code with spaces) by throwing.
      callbacks.onFailed({ cause: `the gateway could not be called: ${(error as Error)?.message ?? error}` });
    }
  }

  /** Mutes the microphone (`audio`) or turns the camera off (`video`), or back on. */
  setTrack(kind: 'audio' | 'video', off: boolean): void {
    for (const track of this.local.getTracks()) if (track.kind === kind) track.enabled = !off;
    if (kind === 'audio') {
      this.muted = off;
      if (!off) this.#indicators?.unmuted();
    } else this.cameraOff = off;
  }

  /** Ends the SIP call (BYE or CANCEL, no callback follows) and stops every track: the camera light goes off. */
  close(): void {
    this.#closed = true;
    this.#sip?.close();
    this.#stopMicLevel?.();
    this.#indicators?.dispose();
    closeDevices(this.local);
  }
}
