// Script-tag build only (vite.config.ts aliases engine.ts to this file): the media engine is the sibling
// file click-to-call.media.js, found next to the script that is running now.
const base = (document.currentScript as HTMLScriptElement | null)?.src || document.baseURI;

export const loadMediaEngine = (): Promise<typeof import('./sip-call.js')> =>
  import(/* @vite-ignore */ new URL('click-to-call.media.js', base).href);
