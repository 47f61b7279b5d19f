import { html, LitElement, nothing, svg, type PropertyValues } from 'lit';
import { CallController } from './call-controller.js';
import { styles } from './click-to-call.styles.js';
import type { CallEndedEvent, CallOutcomeEvent } from './events.js';
import { isInCall, type CallMedia, type CallState } from './state.js';
import { languages, rtlLanguages, strings as english, type Language, type StringKey, type Strings } from './strings.js';
import { loadTexts } from './chunks.js';
import type { TokenProvider } from './transport/token.js';

const DEFAULT_MEDIA = 'voice video';
const DEFAULT_BUTTONS: readonly CallMedia[] = ['voice', 'video'];

/** Loaded translations, shared by every element on the page; `undefined` while one loads. */
const translations = new Map<Language, Strings | undefined>();

/** Numeric settings and what an invalid value falls back to. */
const numberDefaults = { timeout: 15000, pollInterval: 1000, maxPollFailures: 5 } as const;
type NumberSetting = keyof typeof numberDefaults;

const phone = svg`<path d="M6.5 3h3l1.7 4.6-2.2 1.6a11.5 11.5 0 0 0 5.8 5.8l1.6-2.2 4.6 1.7v3A2.5 2.5 0 0 1 18.5 20 15.5 15.5 0 0 1 4 5.5 2.5 2.5 0 0 1 6.5 3z"/>`;
const icons = {
  voice: phone,
  video: svg`<rect x="2" y="6" width="13" height="12" rx="2.5"/><path d="M16.5 10.5 22 7v10l-5.5-3.5z"/>`,
  hangUp: svg`<g transform="rotate(135 12 12)">${phone}</g>`,
};

/**
 * A voice-call and a video-call button that start a click-to-dial call with a Huawei Cloud CEC agent.
 * Clicking one asks for the microphone (and camera), checks that click-to-call is supported, fetches a
 * short-lived token from the site's own token endpoint, asks CEC to create the call, follows it (queued,
 * connected) and, once an agent is connected, places the SIP-over-WebSocket WebRTC call to CEC's gateway with
 * JsSIP (loaded on demand). While the call lasts, a hang-up button replaces the call buttons; while talking,
 * mute, camera and an elapsed-time display join it.
 *
 * States (the `state` attribute):
 * `idle` → `busy` → `started` → `queued` ⇄ `connected` → `active` → `ended`; `busy` → `no-agents` | `error`;
 * a call in progress → `error` (call-failed); `idle` → `unavailable`. From `ended`, `no-agents` and `error`
 * the visitor can call again; `reset()` goes back to `idle` from anywhere.
 *
 * @summary Click-to-call buttons for Huawei Cloud CEC.
 * @tag click-to-call
 *
 * @event {CallRequestEvent} call-request - The visitor asked for a call; nothing has been sent yet. Cancelable: `preventDefault()` sends nothing (show a consent or business-hours dialog, then call `start()`). `detail`: `{media}`.
 * @event {CallStartedEvent} call-started - CEC accepted the call (resultCode "0"). `detail`: `{media, resultCode, resultDesc}`.
 * @event {NoAgentsEvent} no-agents - No agent is available (resultCode "13"). `detail`: `{media, resultCode, resultDesc}`.
 * @event {CallErrorEvent} call-error - The call could not be started, or (reason `drop-failed`) CEC could not drop it. `detail`: `{media, reason, message, status?, resultCode?, resultDesc?}`; `reason` is `permission-denied`, `no-device`, `device-busy`, `insecure-context`, `blocked-by-policy` (microphone/camera), `rejected`, `auth`, `http`, `protocol`, `network`, `timeout`, `token`, `config` or `drop-failed`.
 * @event {CallUnavailableEvent} call-unavailable - Calling cannot work here. `detail`: `{reason, message}`; `reason` is `not-supported`, `insecure-context` or `no-webrtc`.
 * @event {CallQueuedEvent} call-queued - The call entered CEC's queue (once per entry). `detail`: `{media}`.
 * @event {CallConnectedEvent} call-connected - An agent took the call. `detail`: `{media, domain, gwAddresses, accessCode, clickToCallCaller}`: the gateway the media leg calls.
 * @event {CallActiveEvent} call-active - The SIP session is confirmed: the visitor and the agent are talking. `detail`: `{media}`.
 * @event {CallEndedEvent} call-ended - The call is over (once per call). `detail`: `{media, by}`; `by` is `local` or `remote`.
 * @event {CallFailedEvent} call-failed - The call started but could not go on. `detail`: `{media, reason, causeId?, causeDesc?, sipStatus?, cause?}`; `reason` is `queue-timeout`, `failed`, `lost` or `media-failed`.
 *
 * @slot voice - Content of the voice-call button, instead of its text.
 * @slot video - Content of the video-call button, instead of its text.
 * @slot hang-up - Content of the hang-up button, instead of its text.
 * @slot trigger - A fully custom trigger: when an element is here, the element's own call buttons are hidden and a click on it starts a call (`data-media="video"` on it, or on an ancestor inside the slot, picks the media; else the first of `media`).
 *
 * @csspart base - The wrapper; carries the language and, for Arabic, `dir="rtl"`.
 * @csspart buttons - The row of buttons.
 * @csspart button - Each button.
 * @csspart voice-button - The voice-call button.
 * @csspart video-button - The video-call button.
 * @csspart hangup-button - The hang-up button, shown while a call is in progress.
 * @csspart mute-button - The mute toggle (`aria-pressed`), shown while talking.
 * @csspart camera-button - The camera-off toggle (`aria-pressed`), shown while talking on video.
 * @csspart timer - The elapsed time of the call (`role="timer"`).
 * @csspart videos - The box around the two videos of a video call.
 * @csspart remote-video - The agent's video.
 * @csspart local-video - The visitor's own camera preview.
 * @csspart icon - The icon inside a button.
 * @csspart spinner - The progress indicator inside the clicked button while busy.
 * @csspart label - The text inside a button.
 * @csspart status - The polite live region that announces every state.
 * @csspart alert - The assertive region that describes errors.
 *
 * @cssproperty --ctc-accent - Button background. Default `#0b5cad` (dark theme `#9ccaff`).
 * @cssproperty --ctc-accent-disabled - Button background while disabled, busy or pressed. Default `#5f6b7a` (dark `#8b96a3`).
 * @cssproperty --ctc-on-accent - Button text and icon colour. Default `#fff` (dark `#002f55`).
 * @cssproperty --ctc-hangup - Hang-up button background. Default `#b3261e` (dark `#ffb4ab`).
 * @cssproperty --ctc-focus-ring - Keyboard focus outline colour. Default `#0b5cad` (dark `#9ccaff`).
 * @cssproperty --ctc-radius - Button corner radius. Default `1.4rem`.
 * @cssproperty --ctc-gap - Space between buttons. Default `0.5rem`.
 * @cssproperty --ctc-error - Error text colour. Default `#b3261e` (dark `#ffb4ab`).
 * @cssproperty --ctc-font - Font family. Default: inherited from the page (no font is ever downloaded).
 * @cssproperty --ctc-button-size - Minimum height (and, compact, width) of a button. Default `2.75rem`.
 */
export class ClickToCall extends LitElement {
  static override styles = styles;

  // `static properties` rather than decorators: the decorators module would cost the script-tag bundle 0.3 kB.
  static override properties = {
    tokenEndpoint: { attribute: 'token-endpoint' },
    tokenProvider: { attribute: false },
    apiBase: { attribute: 'api-base' },
    channel: {},
    media: {},
    timeout: { type: Number },
    pollInterval: { type: Number, attribute: 'poll-interval' },
    maxPollFailures: { type: Number, attribute: 'max-poll-failures' },
    preflight: { type: Boolean },
    mediaEngine: { attribute: 'media-engine' },
    iceServers: { attribute: 'ice-servers', converter: readIceServers },
    disabled: { type: Boolean, reflect: true },
    context: { attribute: false },
    strings: { attribute: false },
    theme: { reflect: true },
    variant: { reflect: true },
    debug: { type: Boolean },
  };

  readonly #call = new CallController(
    this,
    () => ({
      tokenEndpoint: this.tokenEndpoint ?? undefined,
      tokenProvider: this.tokenProvider,
      apiBase: this.apiBase,
      channel: this.channel,
      context: this.context,
      timeoutMs: this.#number('timeout'),
      pollIntervalMs: this.#number('pollInterval'),
      maxPollFailures: this.#number('maxPollFailures'),
      disabled: this.disabled,
      preflight: this.preflight,
      mediaEngine: this.mediaEngine === 'none' ? 'none' : 'jssip',
      iceServers: Array.isArray(this.iceServers) ? this.iceServers : [],
      debug: this.debug ? (step: string, detail?: unknown) => console.debug('<click-to-call>', step, detail ?? '') : undefined,
    }),
    (state) => this.#reflectState(state),
  );

  /** URL of the site's token endpoint. Required unless `tokenProvider` is set. */
  tokenEndpoint?: string | null;

  /** Custom auth: an async function resolving with the token endpoint's answer shape. Wins over `token-endpoint`. */
  tokenProvider?: TokenProvider;

  /** Prefix of the CEC API: a same-origin path (reverse proxy) or a full `https://…/apiaccess/ccmessaging`. */
  apiBase = '/apiaccess/ccmessaging';

  /** CEC channel sent with every request. */
  channel = 'WEB';

  /** Which buttons to show, in order: `voice`, `video` or both. Unknown words are ignored with a warning. */
  media = 'voice video';

  /** Milliseconds allowed per HTTP request. An invalid value falls back to 15000 with a warning. */
  timeout = 15000;

  /** Milliseconds between polls for call events (a long-polled answer is followed at once). Invalid: 1000. */
  pollInterval = 1000;

  /** Failed polls in a row after which the call counts as lost (`call-failed` {reason: 'lost'}). Invalid: 5. */
  maxPollFailures = 5;

  /** Check support (and fetch the token) as soon as the element is on the page, not at the first hover. */
  preflight = false;

  /**
   * `jssip` (default): on `call-connected` the element loads its media engine and places the SIP/WebRTC call
   * itself. `none`: the element stops at `connected` and the host page places the call from the
   * `call-connected` detail; the microphone is not asked for.
   */
  mediaEngine: 'jssip' | 'none' = 'jssip';

  /** STUN/TURN servers for the call, as `RTCIceServer` objects; the attribute takes JSON. Default: none. */
  iceServers: RTCIceServer[] = [];

  /** Disables the buttons and `start()`. */
  disabled = false;

  /** Any JSON-serialisable object forwarded to the token endpoint (visitor name, page…). */
  context?: unknown;

  /**
   * Texts to use instead of the built-in ones, by key (see `strings.ts`: button labels, one per state, one per
   * error reason), e.g. `{ voice: 'Call us' }`.
   */
  strings?: Partial<Strings>;

  /** `auto` (default) follows the visitor's light or dark setting; `light` or `dark` forces one. */
  theme: 'auto' | 'light' | 'dark' = 'auto';

  /** `labelled` (default) buttons with icon and text, or `compact` icon-only buttons (the text stays their name). */
  variant: 'labelled' | 'compact' = 'labelled';

  /** Logs each step to the console (`console.debug`); tokens never appear in it. */
  debug = false;

  #buttons: readonly CallMedia[] = DEFAULT_BUTTONS;

  /** The language in use: the element's `lang`, else the nearest ancestor's, else English. */
  #language: Language = 'en';

  /** Whether the host put a custom trigger in the `trigger` slot. */
  #customTrigger = false;

  /** Whether focus was inside before this update, so it can be kept when the buttons change. */
  #hadFocus = false;

  /** Re-renders the elapsed-time display once a second while the visitor is talking. */
  #clock?: ReturnType<typeof setInterval>;

  constructor() {
    super();
    const prepare = () => this.#call.prepare();
    this.addEventListener('pointerenter', prepare);
    this.addEventListener('focusin', prepare);
  }

  /** The call state, reflected to the `state` attribute. */
  get state(): CallState {
    return this.#call.state;
  }

  /** True while a call is being started, reflected to the `busy` attribute. */
  get busy(): boolean {
    return this.#call.state === 'busy';
  }

  // `lang` stays the native property; its attribute is watched to switch language.
  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'lang'];
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name === 'lang' && this.isConnected) {
      this.#readLanguage();
      this.requestUpdate();
    }
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#reflectState(this.#call.state);
    this.#readLanguage();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('media')) {
      const { media, unknown } = readMedia(this.media);
      if (unknown.length) warn(`media ignores unknown "${unknown.join('", "')}"`);
      if (!media.length) warn(`media "${this.media}" names no known media; showing "${DEFAULT_MEDIA}"`);
      this.#buttons = media.length ? media : DEFAULT_BUTTONS;
    }
    for (const name of Object.keys(numberDefaults) as NumberSetting[]) {
      if (changed.has(name) && this.#number(name) !== this[name]) {
        warn(`${name} "${this[name]}" is not a positive number of at most 2147483647; using ${numberDefaults[name]}`);
      }
    }
    this.#hadFocus = Boolean(this.shadowRoot?.activeElement);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#clock = void clearInterval(this.#clock);
  }

  protected override updated(): void {
    if (this.state !== 'active') this.#clock = void clearInterval(this.#clock);
    else this.#clock ??= setInterval(() => this.requestUpdate(), 1000);
    // The pressed button may have been replaced (call buttons ⇄ hang-up): keep keyboard focus in the element.
    if (this.#hadFocus && !this.shadowRoot!.activeElement) this.shadowRoot!.querySelector('button')?.focus();
  }

  /**
   * Starts a call, as a click on that button would. While a call is being started, returns that attempt's
   * promise instead of sending anything new.
   * @returns the event that ended the attempt (`call-started`, `no-agents`, `call-error` or
   * `call-unavailable`), or `null` if nothing was sent (disabled, not in a document, a call already in
   * progress, unavailable, unknown media) or the attempt was cancelled by `reset()` or removal.
   */
  start(media: CallMedia): Promise<CallOutcomeEvent | null> {
    if (media !== 'voice' && media !== 'video') {
      console.error(`<click-to-call>: start() takes "voice" or "video", not ${JSON.stringify(media)}`);
      return Promise.resolve(null);
    }
    return this.#call.start(media);
  }

  /**
   * Hangs up the call in progress, as the hang-up button does: sends dropClickToCall and ends in `ended`.
   * @returns the `call-ended` event, or `null` if there was no call to hang up.
   */
  hangUp(): Promise<CallEndedEvent | null> {
    return this.#call.hangUp();
  }

  /** Mutes the visitor's microphone during a call. */
  mute(): void {
    this.#call.setTrack('audio', true);
  }

  /** Unmutes the visitor's microphone. */
  unmute(): void {
    this.#call.setTrack('audio', false);
  }

  /** Goes back to `idle`: an attempt in flight is aborted and a call in progress dropped, with no event. */
  reset(): void {
    this.#call.reset();
  }

  /** A numeric setting, or its default when invalid (setTimeout fires at once beyond 2^31 - 1 ms). */
  #number(name: NumberSetting): number {
    const value = this[name];
    return typeof value === 'number' && value > 0 && value < 2 ** 31 ? value : numberDefaults[name];
  }

  /** Picks the language from `lang` (own or inherited) and loads its texts if they are not there yet. */
  #readLanguage(): void {
    const tag = (this.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang || 'en').toLowerCase();
    const language = languages.find((candidate) => tag === candidate || tag.startsWith(`${candidate}-`)) ?? 'en';
    this.#language = language;
    if (language === 'en' || translations.has(language)) return;
    translations.set(language, undefined);
    loadTexts(language).then(
      ({ default: texts }) => {
        translations.set(language, texts);
        this.requestUpdate();
      },
      () => translations.delete(language), // stays in English; a later element may try again
    );
  }

  #reflectState(state: CallState): void {
    if (!this.isConnected) return;
    this.setAttribute('state', state);
    this.toggleAttribute('busy', state === 'busy');
  }

  override render() {
    const { state, media: activeMedia, notice, hangingUp, call } = this.#call;
    const text: Strings = { ...english, ...translations.get(this.#language), ...this.strings };
    const busy = state === 'busy';
    const active = state === 'active';
    const reason: string = notice?.detail.reason ?? '';
    const status = hangingUp ? 'hangingUp' : state === 'unavailable' ? reason : state === 'error' ? 'idle' : state;
    const alert = state !== 'error' ? 'idle' : reason === 'timeout' ? 'network' : reason in english ? reason : 'error';
    const button = (name: CallMedia | 'hangUp', inactive: boolean, progress: boolean, onClick: () => unknown) => html`
      <button
        type="button"
        part="button ${name === 'hangUp' ? 'hangup' : name}-button"
        ?disabled=${this.disabled && name !== 'hangUp'}
        aria-disabled=${inactive ? 'true' : nothing}
        aria-busy=${progress ? 'true' : nothing}
        @click=${() => inactive || onClick()}
      >
        ${busy && name === activeMedia
          ? html`<span part="spinner" class="spinner" aria-hidden="true"></span>`
          : html`<svg part="icon" viewBox="0 0 24 24" aria-hidden="true">${icons[name]}</svg>`}
        <span part="label" class="label"><slot name=${name === 'hangUp' ? 'hang-up' : name}>${text[name]}</slot></span>
      </button>
    `;
    const toggle = (name: 'mute' | 'camera', pressed = false, kind: 'audio' | 'video') => html`
      <button type="button" part="button ${name}-button" aria-pressed=${pressed} @click=${() => this.#call.setTrack(kind, !pressed)}>
        ${text[name]}
      </button>
    `;
    const seconds = active ? Math.floor((Date.now() - call!.activeSince!) / 1000) : 0;
    const callButtons = () => {
      const inactive = busy || state === 'unavailable';
      return html`
        <slot name="trigger" @slotchange=${this.#onTriggerChange} @click=${(event: Event) => inactive || this.#startFrom(event)}></slot>
        ${this.#customTrigger ? nothing : this.#buttons.map((media) => button(media, inactive, busy, () => this.#call.start(media)))}
      `;
    };
    return html`
      <div part="base" lang=${this.#language} dir=${rtlLanguages.includes(this.#language) ? 'rtl' : nothing}>
        ${call?.stream && activeMedia === 'video'
          ? html`<div part="videos">
              <video part="remote-video" .srcObject=${call.remoteStream ?? null} autoplay playsinline></video>
              <video part="local-video" .srcObject=${call.stream} autoplay playsinline muted></video>
            </div>`
          : html`<audio .srcObject=${call?.remoteStream ?? null} autoplay></audio>`}
        <div part="buttons" aria-busy=${busy ? 'true' : nothing}>
          ${isInCall(state)
            ? [
                active ? toggle('mute', call!.muted, 'audio') : nothing,
                active && activeMedia === 'video' ? toggle('camera', call!.cameraOff, 'video') : nothing,
                button('hangUp', hangingUp, hangingUp, () => this.#call.hangUp()),
                active
                  ? html`<span part="timer" role="timer">${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}</span>`
                  : nothing,
              ]
            : callButtons()}
        </div>
        <p part="status" role="status">${text[status as StringKey] ?? ''}</p>
        <p part="alert" class="alert" role="alert">${text[alert as StringKey]}</p>
      </div>
    `;
  }

  /** A click in the custom trigger starts a call: its `data-media` (`voice`/`video`), else the first of `media`. */
  #startFrom(event: Event): void {
    const chosen = (event.target as Element).closest?.('[data-media]')?.getAttribute('data-media');
    this.#call.start(chosen === 'voice' || chosen === 'video' ? chosen : this.#buttons[0]);
  }

  readonly #onTriggerChange = (event: Event) => {
    this.#customTrigger = (event.target as HTMLSlotElement).assignedElements().length > 0;
    this.requestUpdate();
  };
}

/** The known media words of a `media` attribute, in order and without repeats, and the unknown ones. */
function readMedia(value: unknown): { media: CallMedia[]; unknown: string[] } {
  const words = String(value ?? '').toLowerCase().split(/[\s,]+/).filter(Boolean);
  const media = [...new Set(words.filter((word): word is CallMedia => word === 'voice' || word === 'video'))];
  return { media, unknown: words.filter((word) => word !== 'voice' && word !== 'video') };
}

function warn(message: string): void {
  console.warn(`<click-to-call>: ${message}`);
}

/** The `ice-servers` attribute: a JSON array of `RTCIceServer`; anything else is ignored with a warning. */
function readIceServers(value: string | null): RTCIceServer[] {
  try {
    const servers: unknown = JSON.parse(value ?? '[]');
    if (Array.isArray(servers) && servers.every((server) => server?.urls)) return servers;
  } catch {
    // reported below
  }
  warn(`ice-servers is not a JSON array of {urls} objects; using none`);
  return [];
}
