// Server-side rendering: importing the package in Node (no DOM) must not throw.
import { it } from 'node:test';
import assert from 'node:assert/strict';

it('imports in Node without a DOM; the tag lands only in Lit\'s server-side registry', async () => {
  assert.equal(typeof document, 'undefined');
  const entry = await import('../../dist/index.js');
  assert.equal(typeof entry.ClickToCall, 'function');
  assert.equal(typeof entry.CallStartedEvent, 'function');
  const element = await import('../../dist/element.js');
  assert.equal(element.ClickToCall, entry.ClickToCall);
  // Lit's Node build brings a minimal customElements (for @lit-labs/ssr); the define file uses it, once.
  assert.equal(globalThis.customElements.get('click-to-call'), entry.ClickToCall);
  await import('../../dist/index.js?again');
  assert.equal(typeof document, 'undefined');
});
