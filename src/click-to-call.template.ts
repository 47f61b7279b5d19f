import { html, nothing, svg, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import type { CallView } from './call-view.js';
import { isInCall, type CallMedia } from './state.js';
import { announcements, rtlLanguages, type Language, type Strings } from './strings.js';

const phone = svg`<path d="M6.5 3h3l1.7 4.6-2.2 1.6a11.5 11.5 0 0 0 5.8 5.8l1.6-2.2 4.6 1.7v3A2.5 2.5 0 0 1 18.5 20 15.5 15.5 0 0 1 4 5.5 2.5 2.5 0 0 1 6.5 3z"/>`;
const icons = {
  voice: phone,
  video: svg`<rect x="2" y="6" width="13" height="12" rx="2.5"/><path d="M16.5 10.5 22 7v10l-5.5-3.5z"/>`,
  hangUp: svg`<g transform="rotate(135 12 12)">${phone}</g>`,
  mute: svg`<path d="M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.9V21h2v-3.1a7 7 0 0 0 6-6.9z"/>`,
};

/** What the visitor's clicks ask of the element. */
export interface CallActions {
  /** Starts a call with `media`, or with the first button's when a custom trigger names none. */
  readonly start: (media?: CallMedia) => unknown;
  readonly hangUp: () => unknown;
  readonly setTrack: (kind: 'audio' | 'video', off: boolean) => void;
  /** Whether the host put an element in the `trigger` slot. */
  readonly triggerChanged: (present: boolean) => void;
}

/**
 * The element's shadow content for `view`, in `text` (`language`): the call buttons (`buttons`, none while a
 * custom trigger replaces them) or the in-call controls, the media elements (their streams: `attachStreams`), the
 * two live regions, and the after-call `panel` (a message form or a survey, if open).
 */
export function renderCall(
  view: CallView,
  text: Strings,
  language: Language,
  buttons: readonly CallMedia[],
  disabled: boolean,
  actions: CallActions,
  panel: unknown,
): TemplateResult {
  const { state, media: activeMedia, notice, hangingUp, session } = view;
  const { status, alert } = announcements(state, notice?.detail.reason, hangingUp);
  const busy = state === 'busy';
  const active = state === 'active';
  const inactive = busy || state === 'unavailable';
  const button = (name: CallMedia | 'hangUp', unavailable: boolean, progress: boolean, onClick: () => unknown) => html`
    <button
      type="button"
      part="button ${name === 'hangUp' ? 'hang-up' : name}-button"
      ?disabled=${disabled && name !== 'hangUp'}
      aria-disabled=${ifDefined(unavailable ? 'true' : undefined)}
      aria-busy=${ifDefined(progress ? 'true' : undefined)}
      @click=${() => unavailable || onClick()}
    >
      ${busy && name === activeMedia
        ? html`<span part="spinner" class="spinner" aria-hidden="true"></span>`
        : html`<svg part="icon" viewBox="0 0 24 24" aria-hidden="true">${icons[name]}</svg>`}
      <span part="label" class="label"><slot name=${name === 'hangUp' ? 'hang-up' : name}>${text[name]}</slot></span>
    </button>
  `;
  const toggle = (name: 'mute' | 'camera', pressed: boolean, kind: 'audio' | 'video') => html`
    <button type="button" part="button ${name}-button" aria-pressed=${pressed ? 'true' : 'false'} @click=${() => actions.setTrack(kind, !pressed)}>
      <svg part="icon" viewBox="0 0 24 24" aria-hidden="true">${icons[name === 'mute' ? name : 'video']}</svg>
      <span part="label" class="label">${text[name]}</span>
    </button>
  `;
  const seconds = active && session?.activeSince ? Math.floor((Date.now() - session.activeSince) / 1000) : 0;
  return html`
    <div part="base" lang=${language} dir=${ifDefined(rtlLanguages.includes(language) ? 'rtl' : undefined)}>
      ${session && activeMedia === 'video'
        ? html`<div part="videos">
            <video part="remote-video" autoplay playsinline></video>
            <video part="local-video" autoplay playsinline muted></video>
          </div>`
        : html`<audio autoplay></audio>`}
      <div part="buttons" aria-busy=${ifDefined(busy ? 'true' : undefined)}>
        ${isInCall(state)
          ? [
              active && session ? toggle('mute', session.muted, 'audio') : nothing,
              active && session && activeMedia === 'video' ? toggle('camera', session.cameraOff, 'video') : nothing,
              button('hangUp', hangingUp, hangingUp, actions.hangUp),
              active
                ? html`<span part="timer" role="timer">${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}</span>
                    ${session?.indicators?.(html, language, text)}`
                : nothing,
            ]
          : html`
              <slot
                name="trigger"
                @slotchange=${(event: Event) => actions.triggerChanged((event.target as HTMLSlotElement).assignedElements().length > 0)}
                @click=${(event: Event) => inactive || actions.start(mediaOf(event))}
              ></slot>
              ${buttons.map((media) => button(media, inactive, busy, () => actions.start(media)))}
            `}
      </div>
      <p part="status" role="status">${text[status]}</p>
      <p part="alert" class="alert" role="alert">${text[alert]}</p>
      ${panel}
    </div>
  `;
}

/** The media a click in the custom trigger asks for: `data-media` on the clicked element or an ancestor. */
function mediaOf(event: Event): CallMedia | undefined {
  const chosen = (event.target as Element).closest?.('[data-media]')?.getAttribute('data-media');
  return chosen === 'voice' || chosen === 'video' ? chosen : undefined;
}

/**
 * Gives the rendered media elements their streams, each only when it changed: a media element given its stream
 * again reloads, and Lit would set it on every render (the picture went black once a second, with the timer).
 */
export function attachStreams(root: ParentNode, session: CallView['session']): void {
  for (const media of root.querySelectorAll<HTMLMediaElement>('video,audio')) {
    const stream = (media.part.contains('local-video') ? session?.local : session?.remote) ?? null;
    if (media.srcObject !== stream) media.srcObject = stream;
  }
}
