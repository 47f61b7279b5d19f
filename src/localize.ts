import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { loadTexts } from './chunks.js';
import { languages, strings as english, type Language, type Strings } from './strings.js';

/** Loaded translations, shared by every element on the page; `undefined` while one loads. */
const translations = new Map<Language, Strings | undefined>();
/** The controllers of every connected element: told when a translation arrives or a `lang` changes. */
const connected = new Set<Localize>();
/** One observer for the document: a `lang` changed anywhere may change an element's language. */
let observer: MutationObserver | undefined;

/**
 * An element's language and texts, as Shoelace's LocalizeController does it: `lang` on the element, else on
 * the nearest ancestor, else on `<html>`, followed when any of them changes. Each language loads once for the
 * page, and every element that speaks it re-renders when it arrives.
 */
export class Localize implements ReactiveController {
  language: Language = 'en';

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this);
  }

  hostConnected(): void {
    connected.add(this);
    if (!observer) {
      observer = new MutationObserver(() => connected.forEach((controller) => controller.#read()));
      observer.observe(document.documentElement, { subtree: true, attributeFilter: ['lang'] });
    }
    this.#read();
  }

  hostDisconnected(): void {
    connected.delete(this);
    if (!connected.size) observer = void observer?.disconnect();
  }

  /** Every text: the language's (English while it loads, or if it cannot), then `overrides`. */
  texts(overrides?: Partial<Strings>): Strings {
    return { ...english, ...translations.get(this.language), ...overrides };
  }

  #read(): void {
    const tag = (this.host.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang || 'en').toLowerCase();
    const language = languages.find((candidate) => tag === candidate || tag.startsWith(`${candidate}-`)) ?? 'en';
    if (language !== this.language) {
      this.language = language;
      this.host.requestUpdate();
    }
    if (language === 'en' || translations.has(language)) return;
    translations.set(language, undefined);
    loadTexts(language).then(
      ({ default: texts }) => {
        translations.set(language, texts);
        for (const controller of connected) if (controller.language === language) controller.host.requestUpdate();
      },
      () => translations.delete(language), // stays in English; the next change of `lang` tries again
    );
  }
}
