import type { CallMedia } from '../state.js';
import type { Language } from '../strings.js';
import type { Gateway } from '../transport/cec-answers.js';
import { closeDevices, openDevices } from './devices.js';
import type { CallQuality } from './call-quality.js';
import { CallQualityEvent } from './quality-event.js';
import type { adoptQualityStyles, placeSipCall, qualityIndicator, SipCall } from './sip-call.js';

export interface MediaEngine {
  readonly placeSipCall: typeof placeSipCall;
  readonly qualityIndicator: typeof qualityIndicator;
  readonly adoptQualityStyles: typeof adoptQualityStyles;
}

export interface MediaCallbacks {
  /** Something the view shows changed: the agent's stream, mute, camera. */
  readonly onChange: () => void;
  /** The SIP session is confirmed: visitor and agent are talking. */
  readonly onActive: () => void;
  /** The agent hung up. */
  readonly onEnded: () => void;
  readonly onFailed: (failure: { sipStatus?: number; cause: string }) => void;
  /** `call-quality`, to fire. */
  readonly onQuality: (event: CallQualityEvent) => void;
  /** Where the in-call view is: the quality indicator's styles go there. */
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
  /** The last quality reported while talking. */
  quality?: CallQuality;
  /** The signal indicator once the media engine is loaded and a quality is known (`html`: the element's Lit). */
  indicator?: (html: Parameters<typeof qualityIndicator>[0], language: Language) => ReturnType<typeof qualityIndicator> | undefined;
  /** Whether the call was weak once already: it is said once per call. */
  #warned = false;
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
    engine.adoptQualityStyles(callbacks.root);
    let weak = false;
    this.indicator = (html, language) => this.quality && engine.qualityIndicator(html, this.quality.level, weak, language);
    const onQuality = (quality: CallQuality) => {
      this.quality = quality;
      weak = quality.level === 'poor' && (weak || !this.#warned);
      this.#warned ||= weak;
      callbacks.onQuality(new CallQualityEvent({ media: this.media, ...quality }));
      callbacks.onChange();
    };
    try {
      this.#sip = this.#place(engine, gateway, iceServers, { ...callbacks, onQuality });
    } catch (error) {
      // JsSIP refuses what it cannot turn into SIP URIs (a domain or access code with spaces) by throwing.
      callbacks.onFailed({ cause: `the gateway could not be called: ${(error as Error)?.message ?? error}` });
    }
  }

  #place(
    engine: MediaEngine,
    gateway: Gateway,
    iceServers: readonly RTCIceServer[],
    callbacks: Omit<MediaCallbacks, 'onQuality'> & { onQuality: (quality: CallQuality) => void },
  ): SipCall {
    return engine.placeSipCall({
      gateway,
      stream: this.local,
      video: this.media === 'video',
      iceServers: [...iceServers],
      onRemoteStream: (remote) => {
        this.remote = remote;
        callbacks.onChange();
      },
      onActive: () => {
        this.activeSince = Date.now();
        callbacks.onActive();
      },
      onEnded: callbacks.onEnded,
      onFailed: callbacks.onFailed,
      onQuality: callbacks.onQuality,
    });
  }

  /** Mutes the microphone (`audio`) or turns the camera off (`video`), or back on. */
  setTrack(kind: 'audio' | 'video', off: boolean): void {
    for (const track of this.local.getTracks()) if (track.kind === kind) track.enabled = !off;
    if (kind === 'audio') this.muted = off;
    else this.cameraOff = off;
  }

  /** Ends the SIP call (BYE or CANCEL, no callback follows) and stops every track: the camera light goes off. */
  close(): void {
    this.#closed = true;
    this.#sip?.close();
    closeDevices(this.local);
  }
}
