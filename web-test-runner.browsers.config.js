// `npm run test:browsers`: the browser suite in Firefox ESR and WebKitGTK as well (Debian packages firefox-esr,
// webkit2gtk-driver, xvfb; scripts/test-browsers.js starts WebKitWebDriver under Xvfb on port 4444).
// Tests that cannot work in an engine skip themselves there and say why (test/support/engine.ts).
import puppeteerCore from 'puppeteer-core';
import { chromeLauncher } from '@web/test-runner-chrome';
import { webdriverLauncher } from '@web/test-runner-webdriver';
import base from './web-test-runner.config.js';

const engines = (process.env.ENGINES ?? 'chromium,firefox,webkit').split(',');

export default {
  ...base,
  concurrency: 1,
  // Two engines share two cores here.
  testsFinishTimeout: 300_000,
  browsers: [
    ...(engines.includes('chromium') ? base.browsers : []),
    engines.includes('firefox') &&
    chromeLauncher({
      puppeteer: puppeteerCore,
      launchOptions: {
        browser: 'firefox',
        executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
        headless: true,
        // Fake devices, granted; media may play with sound, as after the visitor's click (tests click by script).
        extraPrefsFirefox: { 'media.navigator.streams.fake': true, 'media.navigator.permission.disabled': true, 'media.autoplay.default': 0 },
      },
    }),
    engines.includes('webkit') &&
    webdriverLauncher({
      hostname: '127.0.0.1',
      port: 4444,
      path: '/',
      capabilities: {
        browserName: 'MiniBrowser',
        'wdio:enforceWebDriverClassic': true,
        'webkitgtk:browserOptions': { binary: '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser', args: ['--automation'] },
      },
    }),
  ].filter(Boolean),
};
