/** Which browser engine runs the tests, for the few tests that cannot work in every one. */
export const engine: 'chromium' | 'firefox' | 'webkit' = /Firefox\//.test(navigator.userAgent)
  ? 'firefox'
  : /Chrome\//.test(navigator.userAgent)
    ? 'chromium'
    : 'webkit';

/** `it`, skipped (with the reason in its title) in the engines listed. */
export function itExcept(engines: (typeof engine)[], reason: string, title: string, test: () => Promise<unknown> | void) {
  return engines.includes(engine) ? it.skip(`${title} [skipped in ${engine}: ${reason}]`, test) : it(title, test);
}
