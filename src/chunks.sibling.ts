// Script-tag build only (vite.config.ts aliases chunks.ts to this file): the call engine, the media engine, the
// after-call panel and the languages are files next to the script that is running now: click-to-call.call.js,
// click-to-call.media.js, click-to-call.after-call.js and locales/<language>.js.
import type { Language, Strings } from './strings.js';

const base = (document.currentScript as HTMLScriptElement | null)?.src || document.baseURI;
const load = (file: string) => import(/* @vite-ignore */ new URL(file, base).href);

export const loadCallEngine = (): Promise<typeof import('./call-engine.js')> => load('click-to-call.call.js');

export const loadMediaEngine = (): Promise<typeof import('./media/sip-call.js')> => load('click-to-call.media.js');

export const loadAfterCall = (): Promise<typeof import('./after-call/after-call.js')> => load('click-to-call.after-call.js');

export const loadTexts = (language: Exclude<Language, 'en'>): Promise<{ default: Strings }> => load(`locales/${language}.js`);
