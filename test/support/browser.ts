import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';
import type { Describe } from './integration.js';

/** Where the browser tests find Chromium (Debian's package); CHROMIUM_PATH overrides. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a headless Chromium in a container run as root, and no traffic of its own. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking'];

/**
 * `describe` when Chromium is installed. Otherwise the suite is skipped with the reason printed, unless
 * REQUIRE_INTEGRATION=1 (CI), where it fails instead — the same convention as the MariaDB and Redis suites.
 */
export function describeIfChromium(): Describe {
  if (existsSync(CHROMIUM_PATH)) return (name, body) => describe(name, body);
  const reason = `no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
  if (process.env.REQUIRE_INTEGRATION === '1') {
    return (name) =>
      describe(name, () => {
        it('needs Chromium', () => {
          throw new Error(`REQUIRE_INTEGRATION=1 but ${reason}`);
        });
      });
  }
  return (name, body) => {
    console.warn(`[browser] skipping "${name}": ${reason} (set REQUIRE_INTEGRATION=1 to fail instead)`);
    describe.skip(name, body);
  };
}
