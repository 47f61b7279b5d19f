import type { html as litHtml, TemplateResult } from 'lit';
import type { QualityLevel } from './media/call-quality.js';
import type { Language } from './strings.js';

// The in-call view's indicators: the signal bars, the microphone's level, and one status line. A view, but loaded
// with the media engine (sip-call.ts re-exports it), as nothing shows them before a call is talking; they render
// with the element's own Lit, lent at each render.

/** A line the status says: the media path being restarted, a weak connection, speaking while muted. */
export type CallNotice = 'reconnecting' | 'weak' | 'muted';

/** What the indicators show (media/indicator-state.ts keeps it). */
export interface IndicatorView {
  /** The last quality level reported; none before the first reading. */
  readonly level?: QualityLevel;
  /** How many of the meter's five segments are lit (0 while muted). */
  readonly micSegments: number;
  readonly notices: readonly CallNotice[];
}

/** The indicators' texts, by key: the element's `strings` property overrides any of them. */
export interface InCallStrings {
  connectionGood: string;
  connectionFair: string;
  connectionPoor: string;
  connectionWeak: string;
  reconnecting: string;
  youAreMuted: string;
  micLevel: string;
}

/** The texts, in the element's languages. */
const texts: Readonly<Record<Language, InCallStrings>> = {
  en: {
    connectionGood: 'Connection: good',
    connectionFair: 'Connection: fair',
    connectionPoor: 'Connection: poor',
    connectionWeak: 'Your connection is weak.',
    reconnecting: 'Reconnecting…',
    youAreMuted: 'You are muted.',
    micLevel: 'Microphone level',
  },
  zh: {
    connectionGood: '网络：良好',
    connectionFair: '网络：一般',
    connectionPoor: '网络：差',
    connectionWeak: '您的网络连接较弱。',
    reconnecting: '正在重新连接…',
    youAreMuted: '您已静音。',
    micLevel: '麦克风音量',
  },
  es: {
    connectionGood: 'Conexión: buena',
    connectionFair: 'Conexión: regular',
    connectionPoor: 'Conexión: mala',
    connectionWeak: 'Su conexión es débil.',
    reconnecting: 'Reconectando…',
    youAreMuted: 'Su micrófono está silenciado.',
    micLevel: 'Nivel del micrófono',
  },
  fr: {
    connectionGood: 'Connexion : bonne',
    connectionFair: 'Connexion : moyenne',
    connectionPoor: 'Connexion : mauvaise',
    connectionWeak: 'Votre connexion est faible.',
    reconnecting: 'Reconnexion…',
    youAreMuted: 'Votre micro est coupé.',
    micLevel: 'Niveau du micro',
  },
  de: {
    connectionGood: 'Verbindung: gut',
    connectionFair: 'Verbindung: mittel',
    connectionPoor: 'Verbindung: schlecht',
    connectionWeak: 'Ihre Verbindung ist schwach.',
    reconnecting: 'Verbindung wird wiederhergestellt…',
    youAreMuted: 'Ihr Mikrofon ist stummgeschaltet.',
    micLevel: 'Mikrofonpegel',
  },
  ar: {
    connectionGood: 'الاتصال: جيد',
    connectionFair: 'الاتصال: مقبول',
    connectionPoor: 'الاتصال: ضعيف',
    connectionWeak: 'اتصالك ضعيف.',
    reconnecting: 'جارٍ إعادة الاتصال…',
    youAreMuted: 'الميكروفون مكتوم.',
    micLevel: 'مستوى الميكروفون',
  },
  pt: {
    connectionGood: 'Conexão: boa',
    connectionFair: 'Conexão: razoável',
    connectionPoor: 'Conexão: ruim',
    connectionWeak: 'Sua conexão está fraca.',
    reconnecting: 'Reconectando…',
    youAreMuted: 'Seu microfone está desativado.',
    micLevel: 'Nível do microfone',
  },
};

const bars: Record<QualityLevel, number> = { good: 3, fair: 2, poor: 1 };
const levelKeys = { good: 'connectionGood', fair: 'connectionFair', poor: 'connectionPoor' } as const;
const noticeKeys = { reconnecting: 'reconnecting', weak: 'connectionWeak', muted: 'youAreMuted' } as const;
export const MIC_SEGMENTS = 5;

const styles = new CSSStyleSheet();
styles.replaceSync(`
  [part='quality'], [part='mic-level'] {
    display: inline-flex;
    align-self: center;
    align-items: flex-end;
    gap: 2px;
    height: 1em;
  }
  [part='quality'] i {
    width: 4px;
    border: 1px solid currentColor;
    border-radius: 1px;
  }
  [part='quality'] i:nth-child(1) { height: 33%; }
  [part='quality'] i:nth-child(2) { height: 66%; }
  [part='quality'] i:nth-child(3) { height: 100%; }
  [part='quality'] i.on { background: currentColor; }
  [part='quality'][data-level='poor'] { color: var(--_error); }
  [part='mic-level'] { align-items: center; }
  [part='mic-level'] i { width: 3px; height: 70%; border-radius: 1px; background: currentColor; opacity: 0.25; }
  [part='mic-level'] i.on { opacity: 1; }
  .notice:not(:empty) { align-self: center; color: var(--_error); font-size: 0.875em; }
`);

/** Adopted once by the element's shadow root, when the call's media engine loads. */
export function adoptIndicatorStyles(root: ShadowRoot | null | undefined): void {
  if (root && !root.adoptedStyleSheets.includes(styles)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, styles];
}

const segments = (html: typeof litHtml, count: number, lit: number) =>
  Array.from({ length: count }, (_, index) => html`<i class=${index < lit ? 'on' : ''}></i>`);

/**
 * The signal bars (part `quality`, named by their level), the microphone's meter (part `mic-level`) and a status
 * line with the notices (part `notice`). `html` is the element's own Lit; `overrides`, the element's texts (its
 * `strings` property included), may replace any of these.
 */
export function inCallIndicators(html: typeof litHtml, view: IndicatorView, language: Language, overrides?: object): TemplateResult {
  const text: InCallStrings = { ...texts[language], ...overrides };
  return html`
    ${view.level
      ? html`<span part="quality" role="img" aria-label=${text[levelKeys[view.level]]} data-level=${view.level}>${segments(html, 3, bars[view.level])}</span>`
      : ''}
    <!-- The role as a property: lit-analyzer's list of ARIA roles predates meter. -->
    <span part="mic-level" .role=${'meter'} aria-label=${text.micLevel} aria-valuemin="0" aria-valuemax=${MIC_SEGMENTS} aria-valuenow=${view.micSegments}>
      ${segments(html, MIC_SEGMENTS, view.micSegments)}
    </span>
    <span part="notice" class="notice" role="status">${view.notices.map((notice) => text[noticeKeys[notice]]).join(' ')}</span>
  `;
}
