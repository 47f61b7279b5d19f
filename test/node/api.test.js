// The public API as custom-elements.json records it (generated from the element): rules the framework typings
// (src/frameworks/props.ts) rely on.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync('custom-elements.json', 'utf8'));
const element = manifest.modules.flatMap((module) => module.declarations ?? []).find((declaration) => declaration.tagName === 'click-to-call');

it('names every attribute as its property in kebab-case, but leave-message (offerMessage: leaveMessage() is the method)', () => {
  const kebab = (name) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
  assert.ok(element.attributes.length >= 16);
  for (const attribute of element.attributes) {
    assert.equal(attribute.name, attribute.fieldName === 'offerMessage' ? 'leave-message' : kebab(attribute.fieldName));
  }
});

it('documents a default for every setting that has one', () => {
  const withDefaults = element.attributes.filter((attribute) => attribute.default !== undefined).map((attribute) => attribute.name);
  for (const name of ['api-base', 'channel', 'media', 'timeout', 'poll-interval', 'max-poll-failures', 'media-engine', 'theme', 'variant']) {
    assert.ok(withDefaults.includes(name), name);
  }
});
