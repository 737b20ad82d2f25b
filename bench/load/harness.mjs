// The shared harness (stub, baseline, load helpers) lives outside the repository. It is copied into the gitignored
// .bench/harness/ and its dependencies installed there, so the project's own package.json never gains autocannon,
// mysql2 and friends just for a benchmark.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

const REQUIRED = ['baseline.mjs', 'stub-wechat.mjs', 'package.json', 'package-lock.json', 'lib/flow.mjs', 'lib/wx.mjs'];

/** The shared bench directory (BENCH_SHARED_DIR, default <repo>/../shared/bench) and its seed schema, checked. */
export function locateShared(repo) {
  const dir = resolve(process.env.BENCH_SHARED_DIR || join(repo, '..', 'shared', 'bench'));
  const missing = REQUIRED.filter((f) => !existsSync(join(dir, f)));
  const seedSchema = join(dir, '..', 'seed-schema.sql');
  if (!existsSync(seedSchema)) missing.push('../seed-schema.sql');
  if (missing.length > 0) {
    throw new Error(
      `BENCH_SHARED_DIR=${dir} is not the shared bench harness (missing: ${missing.join(', ')}).\n` +
        'Set BENCH_SHARED_DIR to the directory holding baseline.mjs, stub-wechat.mjs and lib/ (its parent must hold seed-schema.sql).',
    );
  }
  return { dir, seedSchema };
}

/**
 * Copies the harness into <repo>/.bench/harness (every run, so edits to the shared files are picked up) and runs
 * `npm ci` there only when package.json/package-lock.json changed since the last install.
 */
export function installHarness(repo, shared) {
  const dest = join(repo, '.bench', 'harness');
  mkdirSync(dest, { recursive: true });
  // Not the shared dir's own node_modules, if someone installed there: ours is built from the lockfile below.
  cpSync(shared.dir, dest, { recursive: true, filter: (src) => !relative(shared.dir, src).split(sep).includes('node_modules') });
  const stamp = join(dest, '.installed-lock.sha256');
  const hash = createHash('sha256')
    .update(readFileSync(join(dest, 'package.json')))
    .update(readFileSync(join(dest, 'package-lock.json')))
    .digest('hex');
  const installed = existsSync(stamp) && readFileSync(stamp, 'utf8') === hash && existsSync(join(dest, 'node_modules'));
  if (!installed) {
    console.log(`bench: installing harness dependencies in ${dest} (npm ci, once per lockfile)`);
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dest, stdio: 'inherit' });
    writeFileSync(stamp, hash);
  }
  return dest;
}

/** The harness's own dependencies and helpers, loaded from its node_modules rather than the project's. */
export async function loadHarness(dir) {
  const require = createRequire(join(dir, 'package.json'));
  const lib = (name) => import(pathToFileURL(join(dir, 'lib', name)).href);
  return {
    dir,
    autocannon: require('autocannon'),
    mysql: require('mysql2/promise'),
    Redis: require('ioredis').default,
    wx: await lib('wx.mjs'),
    flow: await lib('flow.mjs'),
  };
}
