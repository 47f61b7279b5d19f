import { LitElement, type PropertyValues } from 'lit';
import type { MessageSentEvent } from './after-call/events.js';
import type { AfterCallStrings } from './after-call/texts.js';
import type { InCallStrings } from './in-call-indicators.js';
import { AfterCallLoader } from './after-call-loader.js';
import { CallController } from './call-controller.js';
import { Clock } from './clock.js';
import { styles } from './click-to-call.styles.js';
import { attachStreams, renderCall, type CallActions } from './click-to-call.template.js';
import { CallErrorEvent, type CallEndedEvent, type CallOutcomeEvent } from './events.js';
import { Localize } from './localize.js';
import { defaultButtons, defaults, readButtons, readIceServers, readSettings, warnInvalidNumbers } from './settings.js';
import type { CallMedia, CallState } from './state.js';
import type { Strings } from './strings.js';
import type { TokenProvider } from './transport/token.js';

/**
 * A voice-call and a video-call button that start a click-to-dial call with a Huawei Cloud CEC agent.
 * Clicking one asks for the microphone (and camera), checks that click-to-call is supported, fetches a
 * short-lived token from the site's own token endpoint, asks CEC to create the call, follows it (queued,
 * connected) and, once an agent is connected, places the SIP-over-WebSocket WebRTC call to CEC's gateway with
 * JsSIP (loaded on demand). While the call lasts, a hang-up button replaces the call buttons; while talking,
 * mute, camera, an elapsed-time display, the signal bars, the microphone meter and a line of notices join it.
 *
 * States (the `state` attribute):
 * `idle` → `busy` → `started` → `queued` → `connected` → `active` → `ended`; `busy` → `no-agents` | `error`;
 * a call in progress → `error` (call-failed); `idle` → `unavailable`. From `ended`, `no-agents` and `error`
 * the visitor can call again; `reset()` goes back to `idle` from anywhere. A number setting that is not valid
 * falls back to its default, with a console warning.
 *
 * Around the call (loaded on demand): with `leave-message`, a visitor no agent could take (`no-agents`, or
 * `call-failed` `queue-timeout` / `failed`) is offered a form to leave a message (CEC's doLeaveMessage); with
 * `survey`, a call the visitor talked in is followed by CEC's satisfaction survey when CEC's survey mode is `WEB`.
 * Neither stops the visitor from calling again.
 *
 * @summary Click-to-call buttons for Huawei Cloud CEC.
 * @tag click-to-call
 *
 * @event {CallRequestEvent} call-request - The visitor asked for a call; nothing has been sent yet. Cancelable: `preventDefault()` sends nothing (show a consent or business-hours dialog, then call `start()`). `detail`: `{media}`.
 * @event {CallStartedEvent} call-started - CEC accepted the call (resultCode "0"). `detail`: `{media, resultCode, resultDesc}`.
 * @event {NoAgentsEvent} no-agents - No agent is available (resultCode "13"). `detail`: `{media, resultCode, resultDesc}`.
 * @event {CallErrorEvent} call-error - The call could not be started, or (reason `drop-failed`) CEC could not drop it, or (`message-failed`, `survey-failed`) CEC did not take the visitor's message or rating (what they typed stays). `detail`: `{media, reason, message, status?, resultCode?, resultDesc?}`; `reason` is `permission-denied`, `no-device`, `device-busy`, `insecure-context`, `blocked-by-policy` (microphone/camera), `rejected`, `auth`, `http`, `protocol`, `network`, `timeout`, `token`, `config`, `drop-failed`, `message-failed` or `survey-failed`.
 * @event {CallUnavailableEvent} call-unavailable - Calling cannot work here. `detail`: `{reason, message}`; `reason` is `not-supported`, `insecure-context`, `no-webrtc` or `in-another-tab` (the visitor's call in another tab or element; the element returns to `idle` by itself when it ends).
 * @event {CallQueuedEvent} call-queued - The call entered CEC's queue (once per entry). `detail`: `{media}`.
 * @event {CallConnectedEvent} call-connected - An agent took the call. `detail`: `{media, domain, gwAddresses, accessCode, clickToCallCaller}`: the gateway the media leg calls.
 * @event {CallActiveEvent} call-active - The SIP session is confirmed: the visitor and the agent are talking. `detail`: `{media}`.
 * @event {CallQualityEvent} call-quality - While talking, how the call sounds, from the connection's statistics read every 2 s: when the level changes, and every 10 s while it stays the same. `detail`: `{media, rtt, jitter, packetLoss, mos, level}`: round trip and jitter in ms (0 while unknown), loss as a fraction of the agent's audio packets (1 when nothing arrived since the last reading), `mos` an E-model estimate (1–4.5), `level` `good` (MOS ≥ 4), `fair` or `poor` (< 3.1).
 * @event {CallReconnectingEvent} call-reconnecting - While talking, the media path broke (ICE `disconnected` or `failed`). The call stays `active`, says "Reconnecting…" and restarts ICE by re-INVITE: 2 s after `disconnected` (which often mends itself), at once on `failed`, then every 5 s. `call-reconnected` follows when the path is back; without it, `call-failed` (`media-failed`, cause "the media connection was lost") 15 s after this event. A page's own banner also clears on `call-ended` and `call-failed`. `detail`: `{media}`.
 * @event {CallReconnectedEvent} call-reconnected - The media path is back after `call-reconnecting`. (A dropped SIP WebSocket alone fires neither: JsSIP reconnects while the media flows on, and a re-INVITE tells the gateway the new connection.) `detail`: `{media}`.
 * @event {CallEndedEvent} call-ended - The call is over (once per call). `detail`: `{media, by}`; `by` is `local` or `remote`.
 * @event {CallFailedEvent} call-failed - The call started but could not go on. `detail`: `{media, reason, causeId?, causeDesc?, sipStatus?, cause?}`; `reason` is `queue-timeout`, `failed`, `lost` or `media-failed`.
 * @event {MessageRequestEvent} message-request - With `leave-message`: no agent could take the call, and the form is about to show. Cancelable: `preventDefault()` shows nothing (open the site's own contact form instead). `detail`: `{media, reason}`; `reason` is `no-agents`, `queue-timeout` or `failed`.
 * @event {MessageSentEvent} message-sent - CEC saved the visitor's message (doLeaveMessage resultCode "0"). `detail`: `{media, caller}`.
 * @event {SurveySentEvent} survey-sent - CEC saved the visitor's rating (saveSatisfaction resultCode "0"). `detail`: `{level, comment}`.
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
 * @csspart hang-up-button - The hang-up button, shown while a call is in progress.
 * @csspart mute-button - The mute toggle (`aria-pressed`), shown while talking.
 * @csspart camera-button - The camera-off toggle (`aria-pressed`), shown while talking on video.
 * @csspart timer - The elapsed time of the call (`role="timer"`).
 * @csspart quality - While talking, from the first statistics with the agent's audio (about 2 s in): the signal indicator, three bars drawn in `currentColor` (the error colour, `--ctc-error`, when `data-level` is `poor`); its text alternative names the level (`good`, `fair` or `poor`).
 * @csspart mic-level - While talking, the microphone's level (`role="meter"`, 0–5), five segments in `currentColor`, all dark while muted. Hiding it (`display: none`) hides it only: it is measured on.
 * @csspart notice - While talking, the polite line of in-call notices, in the error colour: "Reconnecting…" while the media path is restarted; "Your connection is weak." from the first time a call turns `poor` until it is no longer poor (not for a later spell); "You are muted." when the visitor speaks while muted, once a call, for 5 s or until unmuted.
 * @csspart videos - The box around the two videos of a video call.
 * @csspart remote-video - The agent's video.
 * @csspart local-video - The visitor's own camera preview.
 * @csspart icon - The icon inside a button.
 * @csspart spinner - The progress indicator inside the clicked button while busy.
 * @csspart label - The text inside a button.
 * @csspart status - The polite live region that announces every state.
 * @csspart alert - The assertive region that describes errors.
 * @csspart message-form - The leave-a-message form (`leave-message`): contact, message with its character count, Send and Cancel.
 * @csspart survey - The satisfaction survey (`survey`): CEC's levels, an optional comment, Send and No thanks.
 * @csspart send-button - The Send button of the form or the survey.
 * @csspart dismiss-button - The Cancel (form) or No thanks (survey) button.
 *
 * @cssproperty --ctc-accent - Button background. Default `#0b5cad` (dark theme `#9ccaff`).
 * @cssproperty --ctc-accent-disabled - Button background while disabled, busy or pressed. Default `#5f6b7a` (dark `#8b96a3`).
 * @cssproperty --ctc-on-accent - Button text and icon colour. Default `#fff` (dark `#002f55`).
 * @cssproperty --ctc-hang-up - Hang-up button background. Default `#b3261e` (dark `#ffb4ab`).
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
    pollTimeout: { type: Number, attribute: 'poll-timeout' },
    maxPollFailures: { type: Number, attribute: 'max-poll-failures' },
    maxQueueTime: { type: Number, attribute: 'max-queue-time' },
    preflight: { type: Boolean },
    mediaEngine: { attribute: 'media-engine' },
    iceServers: { attribute: 'ice-servers', converter: readIceServers },
    disabled: { type: Boolean, reflect: true },
    context: { attribute: false },
    strings: { attribute: false },
    theme: { reflect: true },
    variant: { reflect: true },
    debug: { type: Boolean },
    // Not `leave-message`'s kebab-case: leaveMessage() is the method (frameworks/props.ts knows).
    offerMessage: { type: Boolean, attribute: 'leave-message' },
    survey: { type: Boolean },
  };

  readonly #call = new CallController(this, (state) => this.#reflectState(state));
  readonly #localize = new Localize(this);
  readonly #afterCall = new AfterCallLoader(this, {
    cec: () => this.#call.cec(readSettings(this)),
    language: () => this.#localize.language,
    media: () => this.#call.view.media ?? this.#buttons[0],
  });

  /** URL of the site's token endpoint. Required unless `tokenProvider` is set. */
  tokenEndpoint?: string | null;

  /** Custom auth: an async function resolving with the token endpoint's answer shape. Wins over `token-endpoint`. */
  tokenProvider?: TokenProvider;

  /** Prefix of the CEC API: a same-origin path (reverse proxy) or a full `https://…/apiaccess/ccmessaging`. */
  declare apiBase: string;

  /** CEC channel sent with every request. */
  declare channel: string;

  /** Which buttons to show, in order: `voice`, `video` or both. Unknown words are ignored with a warning. */
  declare media: string;

  /** Milliseconds allowed per HTTP request. */
  declare timeout: number;

  /** Milliseconds between polls for call events (a long-polled answer is followed at once). */
  declare pollInterval: number;

  /** Milliseconds one poll may take: CEC may hold it until something happens (a long poll). */
  declare pollTimeout: number;

  /** Failed polls in a row after which the call counts as lost (`call-failed` {reason: 'lost'}). */
  declare maxPollFailures: number;

  /** Milliseconds a call may wait for an agent; then `call-failed` {reason: 'queue-timeout'} and CEC's call is dropped. */
  declare maxQueueTime: number;

  /** Check support (and fetch the token) as soon as the element is on the page, not at the first hover. */
  preflight = false;

  /**
   * `jssip` (default): on `call-connected` the element loads its media engine and places the SIP/WebRTC call
   * itself. `none`: the element stops at `connected` and the host page places the call from the
   * `call-connected` detail; the microphone is not asked for.
   */
  declare mediaEngine: 'jssip' | 'none';

  /** STUN/TURN servers for the call, as `RTCIceServer` objects; the attribute takes JSON. Default: none. */
  iceServers: RTCIceServer[] = [];

  /** Disables the buttons and `start()`. */
  disabled = false;

  /** Any JSON-serialisable object forwarded to the token endpoint (visitor name, page…). */
  context?: unknown;

  /**
   * Texts instead of the built-in ones, by key (`strings.ts`: labels, states, reasons; `after-call/texts.ts`: the
   * form and the survey; `in-call-indicators.ts`: the signal bars, the microphone meter, the in-call notices), e.g.
   * `{voice: 'Call us'}`.
   */
  strings?: Partial<Strings & AfterCallStrings & InCallStrings>;

  /**
   * `auto` (default): dark colours only where the page is dark (its `color-scheme` is `dark`, or `light dark` with
   * the visitor's OS in dark mode); `light` or `dark` forces one.
   */
  declare theme: 'auto' | 'light' | 'dark';

  /** `labelled` (default) buttons with icon and text, or `compact` icon-only buttons (the text stays their name). */
  declare variant: 'labelled' | 'compact';

  /** Logs each step to the console (`console.debug`); tokens never appear in it. */
  debug = false;

  /**
   * The `leave-message` attribute: when no agent can take the call (`no-agents`, or `call-failed` `queue-timeout`
   * or `failed`), offer a form to leave a message (after a cancelable `message-request`).
   */
  offerMessage = false;

  /** After a call the visitor talked in, ask CEC's satisfaction survey when CEC's survey mode is `WEB`. */
  survey = false;

  #buttons: readonly CallMedia[] = defaultButtons;
  /** Whether the host put a custom trigger in the `trigger` slot. */
  #customTrigger = false;
  /** Whether focus was inside before this update, so it can be kept when the buttons change. */
  #hadFocus = false;

  constructor() {
    super();
    // The defaults of the settings (settings.ts), written once; the docs show them too.
    Object.assign(this, defaults);
    new Clock(this, () => this.state === 'active');
    // Touch screens have no hover: a finger's pointerdown comes a moment before its click.
    for (const intent of ['pointerenter', 'pointerdown', 'focusin']) this.addEventListener(intent, this.#prepare);
  }

  /** The call state, reflected to the `state` attribute. */
  get state(): CallState {
    return this.#call.view.state;
  }

  /** True while a call is being started, reflected to the `busy` attribute. */
  get busy(): boolean {
    return this.state === 'busy';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#reflectState(this.state);
    if (this.preflight) this.#prepare();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('media')) this.#buttons = readButtons(this.media);
    warnInvalidNumbers(this, changed);
    this.#hadFocus = Boolean(this.shadowRoot?.activeElement);
  }

  protected override updated(): void {
    // The pressed button may have been replaced (call buttons ⇄ hang-up): keep keyboard focus in the element.
    if (this.#hadFocus && !this.shadowRoot!.activeElement) this.shadowRoot!.querySelector('button')?.focus();
    attachStreams(this.shadowRoot!, this.#call.view.session);
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
    return this.disabled ? Promise.resolve(null) : this.#call.start(media, readSettings(this));
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

  /**
   * Leaves the visitor's message for the contact centre (CEC's doLeaveMessage), for sites with their own form:
   * `caller` is a phone number or an e-mail address, `message` at most 500 characters.
   * @returns the `message-sent` event, or the `call-error` {reason: 'message-failed'} one (also fired) when CEC did
   * not save it or the fields cannot be sent; `null` if the element left the page meanwhile.
   */
  async leaveMessage(fields: { caller: string; message: string }): Promise<MessageSentEvent | CallErrorEvent | null> {
    try {
      return await (await this.#afterCall.panel()).leaveMessage(String(fields?.caller ?? ''), String(fields?.message ?? ''));
    } catch {
      const media = this.#call.view.media ?? this.#buttons[0];
      const event = new CallErrorEvent({ media, reason: 'message-failed', message: 'the message could not be sent: its code did not load' });
      this.dispatchEvent(event);
      return event;
    }
  }

  /**
   * Goes back to `idle`: an attempt in flight is aborted and a call in progress dropped, with no event; an open
   * message form or survey closes.
   */
  reset(): void {
    this.#call.reset();
    this.#afterCall.close();
  }

  /** Hover, focus or `preflight`: the token and the support verdict, ahead of a click. */
  readonly #prepare = () => this.disabled || this.#call.prepare(readSettings(this));

  #reflectState(state: CallState): void {
    if (!this.isConnected) return;
    this.setAttribute('state', state);
    this.toggleAttribute('busy', state === 'busy');
  }

  /** What the template's buttons ask of the element: made once, so that listeners stay the same. */
  readonly #actions: CallActions = {
    start: (media) => this.start(media ?? this.#buttons[0]),
    hangUp: () => this.hangUp(),
    setTrack: (kind, off) => this.#call.setTrack(kind, off),
    triggerChanged: (present) => {
      this.#customTrigger = present;
      this.requestUpdate();
    },
  };

  override render() {
    const { language } = this.#localize;
    const buttons = this.#customTrigger ? [] : this.#buttons;
    const panel = this.#afterCall.render(this.strings);
    return renderCall(this.#call.view, this.#localize.texts(this.strings), language, buttons, this.disabled, this.#actions, panel);
  }
}
