// `npm run test:browsers`: WebKitWebDriver under Xvfb for the WebKit run, then Web Test Runner in Chromium,
// Firefox ESR and WebKitGTK; prints one total line like `npm test`.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';

const dir = mkdtempSync(join(tmpdir(), 'ctc-browsers-'));
const driver = spawn('xvfb-run', ['-a', 'WebKitWebDriver', '--port=4444'], { stdio: 'ignore', detached: true });
for (let tries = 0; tries < 100; tries++) {
  const up = await new Promise((resolve) => connect(4444, '127.0.0.1', function () { this.end(); resolve(true); }).on('error', () => resolve(false)));
  if (up) break;
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const summary = join(dir, 'wtr.json');
// Firefox leaves a ~47 MB profile in TMPDIR per run: keep it in our own directory, removed below.
const code = await new Promise((resolve) =>
  spawn('npx', ['wtr', '--static-logging', '--config', 'web-test-runner.browsers.config.js'], {
    stdio: 'inherit',
    env: { ...process.env, WTR_SUMMARY_FILE: summary, TMPDIR: dir },
  }).on('close', resolve),
);
process.kill(-driver.pid, 'SIGTERM');
let counts = { passed: 0, failed: 1, skipped: 0 };
try {
  counts = JSON.parse(readFileSync(summary, 'utf8'));
} catch {
  // the runner died before reporting: one failure
}
rmSync(dir, { recursive: true, force: true });
if (code !== 0 && counts.failed === 0) counts.failed = 1;
console.log(`${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
process.exitCode = counts.failed ? 1 : 0;
