// `npm test`: the browser suite (Web Test Runner), the token service's and the end-to-end suites (node:test),
// then one total line.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function run(command, args, env = {}) {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.on('close', (code) => resolve({ code, output }));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'ctc-test-'));
const summaryFile = join(dir, 'wtr.json');
const totals = { passed: 0, failed: 0, skipped: 0 };

const unit = await run('npx', ['wtr', '--static-logging'], { WTR_SUMMARY_FILE: summaryFile });
try {
  const counts = JSON.parse(readFileSync(summaryFile, 'utf8'));
  for (const key of Object.keys(totals)) totals[key] += counts[key];
} catch {
  totals.failed++; // the runner died before reporting
}
if (unit.code !== 0 && totals.failed === 0) totals.failed++;

/** Adds a node:test TAP run's counts to the totals; a run that died without reporting counts as a failure. */
function addTap({ code, output }) {
  const count = (name) => Number(output.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? 0);
  totals.passed += count('pass');
  totals.failed += count('fail') + count('cancelled');
  totals.skipped += count('skipped') + count('todo');
  if (code !== 0 && count('fail') + count('cancelled') === 0) totals.failed++;
}

addTap(
  await run(process.execPath, ['--test', '--test-reporter=tap', 'test/server/', 'test/node/', 'e2e/script-tag.e2e.test.js', 'e2e/csp.e2e.test.js', 'e2e/frameworks.e2e.test.js']),
);

// The real-call test needs a loopback-only network namespace (root + unshare); elsewhere it skips itself.
const sipTest = ['--test', '--test-reporter=tap', 'e2e/sip/real-call.e2e.test.js'];
const isolate = process.getuid?.() === 0 && spawnSync('unshare', ['-n', 'true']).status === 0;
addTap(
  isolate
    ? await run('unshare', ['-n', 'sh', '-c', `ip link set lo up && exec "${process.execPath}" ${sipTest.join(' ')}`])
    : await run(process.execPath, sipTest),
);

rmSync(dir, { recursive: true, force: true });
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exitCode = totals.failed ? 1 : 0;
