/** The media engine, loaded on demand: bundlers split it from the core. */
export const loadMediaEngine = () => import('./sip-call.js');
