// `npm run test:browsers`: the browser suite in each engine of $ENGINES (default chromium,firefox,webkit), one
// engine at a time (two engines at once overload two cores), WebKit through WebKitWebDriver under Xvfb; prints
// one total line like `npm test`.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const engines = (process.env.ENGINES ?? 'chromium,firefox,webkit').split(',');
const totals = { passed: 0, failed: 0, skipped: 0 };

async function waitForPort(port) {
  for (let tries = 0; tries < 100; tries++) {
    const up = await new Promise((resolve) =>
      connect(port, '127.0.0.1', function () {
        this.end();
        resolve(true);
      }).on('error', () => resolve(false)),
    );
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** One Web Test Runner run in `engine` over `files` (all when empty); adds its counts, returns the unfinished files. */
async function runEngine(engine, files) {
  // Firefox leaves a ~47 MB profile in TMPDIR per run: keep it in our own directory, removed below.
  const dir = mkdtempSync(join(tmpdir(), `ctc-${engine}-`));
  const driver = engine === 'webkit' ? spawn('xvfb-run', ['-a', 'WebKitWebDriver', '--port=4444'], { stdio: 'ignore', detached: true }) : undefined;
  if (driver) await waitForPort(4444);
  const summary = join(dir, 'wtr.json');
  const args = ['wtr', '--static-logging', '--config', 'web-test-runner.browsers.config.js', ...(files.length ? ['--files', ...files] : [])];
  const code = await new Promise((resolve) =>
    spawn('npx', args, {
      stdio: 'inherit',
      env: { ...process.env, ENGINES: engine, WTR_SUMMARY_FILE: summary, TMPDIR: dir },
    }).on('close', resolve),
  );
  if (driver) process.kill(-driver.pid, 'SIGTERM');
  let counts = { passed: 0, failed: 1, skipped: 0, unfinished: [] };
  try {
    counts = JSON.parse(readFileSync(summary, 'utf8'));
  } catch {
    // the runner died before reporting: one failure
  }
  if (code !== 0 && counts.failed === 0 && counts.unfinished.length === 0) counts.failed = 1;
  for (const key of Object.keys(totals)) totals[key] += counts[key];
  rmSync(dir, { recursive: true, force: true });
  return counts.unfinished;
}

for (const engine of engines) {
  // A file whose page never reported back (see scripts/test.js) runs once more on its own; a second silence fails.
  for (const file of await runEngine(engine, [])) {
    console.log(`\n${file} (${engine}): its page did not report back; running it once more on its own\n`);
    if ((await runEngine(engine, [file])).length) totals.failed++;
  }
}
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exitCode = totals.failed ? 1 : 0;
