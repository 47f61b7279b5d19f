// Types for the script-tag bundle: it registers <click-to-call> and exposes the package's exports as the global
// `ClickToCall`. (Copied to dist/ by `npm run build`.)
import type * as ClickToCallModule from './types/index.js';

declare global {
  var ClickToCall: typeof ClickToCallModule;
}
