// CI's one-line verdict, "N passed, N failed", that agrees with vitest's exit status.
//
// Two roles in one file so the counting and the printing cannot drift apart:
// - as a vitest reporter (`--reporter=.ci/summary.mjs`) it counts the run and writes the counts to $CI_COUNTS_FILE;
// - as a script (`node .ci/summary.mjs <counts file> <vitest exit status> [failed checks]`) it prints the line and
//   exits 1 when anything failed.
//
// vitest's JSON report cannot give this line (measured on vitest 4.1): a throwing beforeAll leaves its tests
// "skipped" with an empty message, a throwing afterAll leaves every test "passed", and an unhandled rejection appears
// nowhere in it. The reporter API sees all three: the errors of each file and suite, each test's mode (meant to run,
// or skipped on purpose) and the run's unhandled errors.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Counts a finished run. Every category except `passed` is a failure. */
export function countRun(testModules, unhandledErrors, reason) {
  const counts = {
    passed: 0,
    failedTests: 0,
    // Tests meant to run that never did because a beforeAll of theirs failed (vitest reports them as skipped).
    skippedByFailedHook: 0,
    // Errors outside any test: a failed beforeAll/afterAll, a file that does not load.
    suiteErrors: 0,
    unhandledErrors: unhandledErrors.length,
    // Tests still pending when the run ended (interrupted, bailed out).
    unfinishedTests: 0,
  };
  for (const module of testModules) {
    counts.suiteErrors += module.errors().length;
    for (const suite of module.children.allSuites()) counts.suiteErrors += suite.errors().length;
    for (const test of module.children.allTests()) {
      const result = test.result();
      const meantToRun = test.options.mode === 'run' || test.options.mode === 'only';
      if (result.state === 'passed') counts.passed += 1;
      else if (result.state === 'failed') counts.failedTests += 1;
      else if (result.state === 'pending' && meantToRun) counts.unfinishedTests += 1;
      // A test that skips itself (ctx.skip(note)) carries its note; one skipped for a failed hook has none.
      else if (result.state === 'skipped' && meantToRun && result.note === undefined && hasErrorAbove(test)) {
        counts.skippedByFailedHook += 1;
      }
    }
  }
  if (reason === 'interrupted' && counts.unfinishedTests === 0) counts.unfinishedTests = 1;
  return counts;
}

function hasErrorAbove(test) {
  for (let parent = test.parent; parent; parent = parent.type === 'module' ? undefined : parent.parent) {
    if (parent.errors().length > 0) return true;
  }
  return false;
}

const FAILURE_LABELS = {
  failedTests: 'failed tests',
  skippedByFailedHook: 'tests skipped by a failed beforeAll',
  suiteErrors: 'hook or load errors',
  unhandledErrors: 'unhandled errors',
  unfinishedTests: 'unfinished tests',
  failedChecks: 'failed checks (typecheck, lint, format)',
  unexplained: 'vitest failure without counted cause (see its output)',
};

/**
 * The verdict from the counts (undefined when vitest never finished), vitest's exit status and the failed checks.
 * A non-zero status with nothing counted, or no counts at all, is one failure: the line never says 0 failed while
 * vitest failed.
 */
export function verdict(counts, vitestStatus, failedChecks = 0) {
  const { passed = 0, ...failures } = counts ?? {};
  const counted = Object.values(failures).reduce((sum, n) => sum + n, 0);
  failures.unexplained = counts === undefined || (vitestStatus !== 0 && counted === 0) ? 1 : 0;
  failures.failedChecks = failedChecks;
  const failed = Object.values(failures).reduce((sum, n) => sum + n, 0);
  const detail = Object.entries(failures)
    .filter(([, n]) => n > 0)
    .map(([key, n]) => `${n} ${FAILURE_LABELS[key]}`)
    .join(', ');
  return { passed, failed, detail };
}

export default class CountingReporter {
  onTestRunEnd(testModules, unhandledErrors, reason) {
    const file = process.env.CI_COUNTS_FILE;
    if (file) writeFileSync(file, JSON.stringify(countRun(testModules, unhandledErrors, reason)));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [countsFile, status = '1', checks = '0'] = process.argv.slice(2);
  if (!countsFile) {
    console.error('usage: node .ci/summary.mjs <counts file> <vitest exit status> [failed checks]');
    process.exit(2);
  }
  const counts = existsSync(countsFile) ? JSON.parse(readFileSync(countsFile, 'utf8')) : undefined;
  if (!counts) console.log('CI: vitest wrote no counts (it did not finish a run)');
  const { passed, failed, detail } = verdict(counts, Number(status), Number(checks));
  if (detail) console.log(`CI: failed = ${detail}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}
