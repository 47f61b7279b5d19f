import type { Language, Strings } from './strings.js';

/** The call engine, loaded at the visitor's first sign of intent: bundlers split it from the core. */
export const loadCallEngine = () => import('./call-engine.js');

/** The media engine, loaded when an agent is connected. */
export const loadMediaEngine = () => import('./media/sip-call.js');

/** The leave-a-message form and the survey, loaded with the first call of an element that offers either. */
export const loadAfterCall = () => import('./after-call/after-call.js');

const texts: Record<Exclude<Language, 'en'>, () => Promise<{ default: Strings }>> = {
  zh: () => import('./locales/zh.js'),
  es: () => import('./locales/es.js'),
  fr: () => import('./locales/fr.js'),
  de: () => import('./locales/de.js'),
  ar: () => import('./locales/ar.js'),
  pt: () => import('./locales/pt.js'),
};

/** A language's texts, loaded when an element first needs them. */
export const loadTexts = (language: Exclude<Language, 'en'>) => texts[language]();
