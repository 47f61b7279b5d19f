import type { html as litHtml, TemplateResult } from 'lit';
import type { QualityLevel } from './media/call-quality.js';
import type { Language } from './strings.js';

// The in-call view's signal indicator. A view, but loaded with the media engine (sip-call.ts re-exports it), as
// nothing shows it before a call is talking; it renders with the element's own Lit, lent at each render.

/** The indicator's text alternative per level, and the one-time warning, in the element's languages. */
const texts: Readonly<Record<Language, Record<QualityLevel | 'weak', string>>> = {
  en: { good: 'Connection: good', fair: 'Connection: fair', poor: 'Connection: poor', weak: 'Your connection is weak.' },
  zh: { good: '网络：良好', fair: '网络：一般', poor: '网络：差', weak: '您的网络连接较弱。' },
  es: { good: 'Conexión: buena', fair: 'Conexión: regular', poor: 'Conexión: mala', weak: 'Su conexión es débil.' },
  fr: { good: 'Connexion : bonne', fair: 'Connexion : moyenne', poor: 'Connexion : mauvaise', weak: 'Votre connexion est faible.' },
  de: { good: 'Verbindung: gut', fair: 'Verbindung: mittel', poor: 'Verbindung: schlecht', weak: 'Ihre Verbindung ist schwach.' },
  ar: { good: 'الاتصال: جيد', fair: 'الاتصال: مقبول', poor: 'الاتصال: ضعيف', weak: 'اتصالك ضعيف.' },
  pt: { good: 'Conexão: boa', fair: 'Conexão: razoável', poor: 'Conexão: ruim', weak: 'Sua conexão está fraca.' },
};

const bars: Record<QualityLevel, number> = { good: 3, fair: 2, poor: 1 };

const styles = new CSSStyleSheet();
styles.replaceSync(`
  [part='quality'] {
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
  .weak:not(:empty) { align-self: center; color: var(--_error); font-size: 0.875em; }
`);

/** Adopted once by the element's shadow root, when the call's media engine loads. */
export function adoptQualityStyles(root: ShadowRoot | null | undefined): void {
  if (root && !root.adoptedStyleSheets.includes(styles)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, styles];
}

/**
 * The signal indicator (part `quality`): bars for `level`, named by its text; beside it a status line that says,
 * once per call, that the connection is weak (`weak`). `html` is the element's own Lit.
 */
export function qualityIndicator(html: typeof litHtml, level: QualityLevel, weak: boolean, language: Language): TemplateResult {
  const text = texts[language];
  return html`
    <span part="quality" role="img" aria-label=${text[level]} data-level=${level}>
      ${[1, 2, 3].map((bar) => html`<i class=${bar <= bars[level] ? 'on' : ''}></i>`)}
    </span>
    <span class="weak" role="status">${weak ? text.weak : ''}</span>
  `;
}
