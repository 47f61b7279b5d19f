import { ClickToCall } from './click-to-call.element.js';

// Guarded so a second copy of the bundle, or a server without a DOM, does nothing.
if (globalThis.customElements && !customElements.get('click-to-call')) customElements.define('click-to-call', ClickToCall);

declare global {
  interface HTMLElementTagNameMap {
    'click-to-call': ClickToCall;
  }
}
