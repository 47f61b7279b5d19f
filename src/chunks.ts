import type { Language, Strings } from './strings.js';

/** The media engine, loaded when an agent is connected: bundlers split it from the core. */
export const loadMediaEngine = () => import('./media/sip-call.js');

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
