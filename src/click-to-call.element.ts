import { html, LitElement, nothing, svg, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { CallController } from './call-controller.js';
import { styles } from './click-to-call.styles.js';
import { CallErrorEvent, type CallOutcomeEvent } from './events.js';
import type { CallMedia, CallState } from './state.js';
import { errorText, mediaLabel, statusText } from './strings.js';
import type { TokenProvider } from './transport/token.js';

const DEFAULT_MEDIA = 'voice video';
const DEFAULT_TIMEOUT_MS = 15_000;
/** setTimeout fires at once above this, so a longer timeout would mean none at all. */
const MAX_TIMEOUT_MS = 2_147_483_647;

const icons: Record<CallMedia, ReturnType<typeof svg>> = {
  voice: svg`<path d="M6.5 3h3l1.7 4.6-2.2 1.6a11.5 11.5 0 0 0 5.8 5.8l1.6-2.2 4.6 1.7v3A2.5 2.5 0 0 1 18.5 20 15.5 15.5 0 0 1 4 5.5 2.5 2.5 0 0 1 6.5 3z"/>`,
  video: svg`<rect x="2" y="6" width="13" height="12" rx="2.5"/><path d="M16.5 10.5 22 7v10l-5.5-3.5z"/>`,
};

/**
 * A voice-call and a video-call button that start a click-to-dial call with a Huawei Cloud CEC agent.
 * Clicking one fetches a short-lived token from the site's own token endpoint, asks CEC to create the
 * call, and fires exactly one outcome event.
 *
 * States (the `state` attribute): `idle` → `busy` → `started` | `no-agents` | `error`; from any outcome
 * the visitor can call again, and `reset()` goes back to `idle`.
 *
 * @summary Click-to-call buttons for Huawei Cloud CEC.
 * @tag click-to-call
 *
 * @event {CallStartedEvent} call-started - CEC accepted the call (resultCode "0"). `detail`: `{media, resultCode, resultDesc}`.
 * @event {NoAgentsEvent} no-agents - No agent is available (resultCode "13"). `detail`: `{media, resultCode, resultDesc}`.
 * @event {CallErrorEvent} call-error - The call could not be started. `detail`: `{media, reason, message, status?, resultCode?, resultDesc?}`; `reason` is `rejected`, `auth`, `http`, `protocol`, `network`, `timeout`, `token` or `config`.
 *
 * @csspart buttons - The row of call buttons.
 * @csspart button - Each call button.
 * @csspart voice-button - The voice-call button.
 * @csspart video-button - The video-call button.
 * @csspart icon - The icon inside a button.
 * @csspart spinner - The progress indicator inside the clicked button while busy.
 * @csspart label - The text inside a button.
 * @csspart status - The polite live region that describes progress and outcomes.
 * @csspart alert - The assertive region that describes errors.
 *
 * @cssproperty --ctc-accent - Button background. Default `#0b5cad`.
 * @cssproperty --ctc-accent-hover - Button background on hover. Default `#084a8c`.
 * @cssproperty --ctc-accent-disabled - Button background while disabled or busy. Default `#5f6b7a`.
 * @cssproperty --ctc-on-accent - Button text and icon colour. Default `#fff`.
 * @cssproperty --ctc-focus-ring - Keyboard focus outline colour. Default `#0b5cad`.
 * @cssproperty --ctc-radius - Button corner radius. Default `1.375rem`.
 * @cssproperty --ctc-gap - Space between buttons. Default `0.5rem`.
 * @cssproperty --ctc-error - Error text colour. Default `#b3261e`.
 */
export class ClickToCall extends LitElement {
  static override styles = styles;

  readonly #call = new CallController(
    this,
    () => ({
      tokenEndpoint: this.tokenEndpoint ?? undefined,
      tokenProvider: this.tokenProvider,
      apiBase: this.apiBase,
      channel: this.channel,
      context: this.context,
      timeoutMs: readTimeout(this.timeout) ?? DEFAULT_TIMEOUT_MS,
      disabled: this.disabled,
    }),
    (state) => this.#reflectState(state),
  );

  /** URL of the site's token endpoint. Required unless `tokenProvider` is set. */
  @property({ attribute: 'token-endpoint' }) tokenEndpoint?: string | null;

  /** Custom auth: an async function resolving with the token endpoint's answer shape. Wins over `token-endpoint`. */
  @property({ attribute: false }) tokenProvider?: TokenProvider;

  /** Prefix of the CEC API: a same-origin path (reverse proxy) or a full `https://…/apiaccess/ccmessaging`. */
  @property({ attribute: 'api-base' }) apiBase = '/apiaccess/ccmessaging';

  /** CEC channel sent with every request. */
  @property() channel = 'WEB';

  /** Which buttons to show, in order: `voice`, `video` or both. Unknown words are ignored with a warning. */
  @property() media = DEFAULT_MEDIA;

  /** Milliseconds allowed per HTTP request. An invalid value falls back to 15000 with a warning. */
  @property({ type: Number }) timeout = DEFAULT_TIMEOUT_MS;

  /** Disables the buttons and `start()`. */
  @property({ type: Boolean, reflect: true }) disabled = false;

  /** Any JSON-serialisable object forwarded to the token endpoint (visitor name, page…). */
  @property({ attribute: false }) context?: unknown;

  #buttons: readonly CallMedia[] = readMedia(DEFAULT_MEDIA).media;

  /** The call state, reflected to the `state` attribute: `idle`, `busy`, `started`, `no-agents` or `error`. */
  get state(): CallState {
    return this.#call.state;
  }

  /** True while a call is being started, reflected to the `busy` attribute. */
  get busy(): boolean {
    return this.#call.state === 'busy';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#reflectState(this.#call.state);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('media')) {
      const { media, unknown } = readMedia(this.media);
      if (unknown.length) console.warn(`<click-to-call>: media ignores unknown ${unknown.map((w) => `"${w}"`).join(', ')}`);
      if (!media.length) console.warn(`<click-to-call>: media has no known word; showing "${DEFAULT_MEDIA}"`);
      this.#buttons = media.length ? media : readMedia(DEFAULT_MEDIA).media;
    }
    if (changed.has('timeout') && readTimeout(this.timeout) === undefined) {
      console.warn(`<click-to-call>: timeout "${this.timeout}" is not a positive number of ms; using ${DEFAULT_TIMEOUT_MS}`);
    }
    const tokenInputs = ['tokenEndpoint', 'tokenProvider', 'context'] as const;
    if (this.hasUpdated && tokenInputs.some((name) => changed.has(name))) this.#call.forgetToken();
  }

  /**
   * Starts a call, as a click on that button would. While a call is being started, returns that attempt's
   * promise instead of sending anything new.
   * @returns the outcome event that fired, or `null` if nothing was sent (disabled, not in a document,
   * unknown media) or the attempt was cancelled by `reset()` or removal.
   */
  start(media: CallMedia): Promise<CallOutcomeEvent | null> {
    if (media !== 'voice' && media !== 'video') {
      console.error(`<click-to-call>: start() takes "voice" or "video", not ${JSON.stringify(media)}`);
      return Promise.resolve(null);
    }
    return this.#call.start(media);
  }

  /** Goes back to `idle`; an attempt in flight is aborted and fires no event. */
  reset(): void {
    this.#call.reset();
  }

  #reflectState(state: CallState): void {
    if (!this.isConnected) return;
    this.setAttribute('state', state);
    this.toggleAttribute('busy', state === 'busy');
  }

  override render() {
    const { state, media: activeMedia, lastOutcome } = this.#call;
    const busy = state === 'busy';
    const error = state === 'error' && lastOutcome instanceof CallErrorEvent ? lastOutcome.detail.reason : undefined;
    return html`
      <div part="buttons" class="buttons">
        ${this.#buttons.map(
          (media) => html`
            <button
              type="button"
              part="button ${media}-button"
              ?disabled=${this.disabled}
              aria-disabled=${busy ? 'true' : nothing}
              aria-busy=${busy ? 'true' : nothing}
              @click=${() => (busy ? undefined : this.#call.start(media))}
            >
              ${busy && media === activeMedia
                ? html`<span part="spinner" class="spinner" aria-hidden="true"></span>`
                : html`<svg part="icon" viewBox="0 0 24 24" aria-hidden="true">${icons[media]}</svg>`}
              <span part="label">${mediaLabel(media)}</span>
            </button>
          `,
        )}
      </div>
      <p part="status" class="status" role="status">${statusText(state)}</p>
      <p part="alert" class="alert" role="alert">${error ? errorText(error) : ''}</p>
    `;
  }
}

/** The known media words of a `media` attribute, in order and without repeats, and the unknown ones. */
function readMedia(value: unknown): { media: CallMedia[]; unknown: string[] } {
  const words = String(value ?? '').toLowerCase().split(/[\s,]+/).filter(Boolean);
  const media = [...new Set(words.filter((word): word is CallMedia => word === 'voice' || word === 'video'))];
  return { media, unknown: words.filter((word) => word !== 'voice' && word !== 'video') };
}

/** A usable request timeout in ms, or `undefined`. */
function readTimeout(value: unknown): number | undefined {
  return typeof value === 'number' && value > 0 && value <= MAX_TIMEOUT_MS ? value : undefined;
}
