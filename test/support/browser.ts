import { existsSync } from 'node:fs';
import { type Describe, describeIfAvailable } from './integration.js';

/** Where the browser tests find Chromium (Debian's package); CHROMIUM_PATH overrides. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a headless Chromium in a container run as root, and no traffic of its own. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking'];

/**
 * `describe` when Chromium is installed. Otherwise the suite is skipped with the reason printed, unless
 * REQUIRE_INTEGRATION=1 (CI), where it fails instead — the same convention as the MariaDB and Redis suites.
 */
export function describeIfChromium(): Describe {
  const reason = `no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
  return describeIfAvailable('Chromium', existsSync(CHROMIUM_PATH) ? undefined : reason);
}
