import { writeFileSync } from 'node:fs';

/**
 * Writes WTR's counts to `file` so scripts/test.js can print one total line for every suite, and the files whose
 * page never reported back (WTR's "did not finish": see scripts/test.js), which it runs once more on their own.
 */
export function summaryReporter(file) {
  return {
    stop({ sessions }) {
      let passed = 0;
      let failed = 0;
      let skipped = 0;
      const unfinished = [];
      const walk = (suite) => {
        for (const test of suite.tests) {
          if (test.skipped) skipped++;
          else if (test.passed) passed++;
          else failed++;
        }
        suite.suites.forEach(walk);
      };
      for (const session of sessions) {
        const before = failed;
        if (session.testResults) walk(session.testResults);
        if (!session.testResults && session.errors?.some((error) => /did not finish/.test(error.message))) {
          unfinished.push(session.testFile);
        } else if (!session.passed && failed === before) {
          // A file that failed to load has no test results: count it as one failure.
          failed++;
        }
      }
      if (file) writeFileSync(file, JSON.stringify({ passed, failed, skipped, unfinished }));
    },
  };
}
