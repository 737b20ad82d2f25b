/**
 * The process's exit codes, one rule for every start-up failure. A configuration problem (a bad or missing setting, a
 * certificate file that is missing or another merchant's, an unknown database, wrong database credentials, migrations
 * pending) exits 2: restarting cannot fix it, and the systemd unit does not restart it (RestartPreventExitStatus=2).
 * Anything else (a database or Redis not reachable yet, a port still held by the previous process) exits 1 and is
 * restarted.
 */
export const EXIT_CONFIGURATION = 2;
export const EXIT_TRANSIENT = 1;

/**
 * Start-up failures that name what failed, in one line an operator can act on: which dependency, where (its URL
 * with any password masked), and why in words — never a stack trace. `configuration` says whether someone has to
 * change something before a restart can succeed.
 */
export class StartupError extends Error {
  override readonly name: string = 'StartupError';
  readonly configuration: boolean;

  constructor(message: string, options: ErrorOptions & { readonly configuration?: boolean } = {}) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.configuration = options.configuration ?? isConfigurationCause(options.cause);
  }
}

/** Exit 2 for a configuration problem, 1 for anything a restart may fix (see EXIT_CONFIGURATION). */
export function exitCodeOf(error: unknown): number {
  if (error instanceof StartupError) return error.configuration ? EXIT_CONFIGURATION : EXIT_TRANSIENT;
  if (error instanceof Error && error.name === 'ConfigError') return EXIT_CONFIGURATION;
  return EXIT_TRANSIENT;
}

/** Causes that stay until someone changes a setting, a file, a grant or the database. */
const CONFIGURATION_CODES: ReadonlySet<string> = new Set([
  'ER_ACCESS_DENIED_ERROR',
  'ER_BAD_DB_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'SQLITE_CANTOPEN',
  'ENOENT',
  'EACCES',
  'EISDIR',
]);

function isConfigurationCause(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e: unknown = error; e instanceof Error && !seen.has(e); e = e.cause) {
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CONFIGURATION_CODES.has(code)) return true;
    // Redis refusing the password (WRONGPASS, NOAUTH): the URL is wrong, not the server away.
    if (/^(WRONGPASS|NOAUTH)\b/.test(e.message)) return true;
  }
  return false;
}

/** A connection URL fit for a log line: the password, if any, replaced by `***`. */
export function maskedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
  }
}

const CAUSES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused (is it running, on that host and port?)',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ECONNRESET: 'connection reset',
  ER_ACCESS_DENIED_ERROR: 'access denied (user or password)',
  ER_BAD_DB_ERROR: 'unknown database (create it, or set DATABASE_CREATE=yes to let the service create it)',
  ER_DBACCESS_DENIED_ERROR: 'the user may not use this database',
  SQLITE_CANTOPEN: 'cannot open the file (does its folder exist and may this user write it?)',
  EACCES: 'permission denied',
  EADDRINUSE: 'already in use by another process',
  EADDRNOTAVAIL: 'no such address on this machine',
};

/** Why a connection failed, in words: the error's code when it is a known one, else its message. */
export function causeOf(error: unknown): string {
  const seen = new Set<unknown>();
  for (let e: unknown = error; e instanceof Error && !seen.has(e); e = e.cause) {
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CAUSES[code]) return CAUSES[code];
    // AggregateError (one attempt per address): the first member's cause is as good as any.
    const members = (e as { errors?: unknown }).errors;
    if (Array.isArray(members) && members.length > 0) return causeOf(members[0]);
  }
  return error instanceof Error ? error.message : String(error);
}

/** Runs `open`, turning its failure into a StartupError naming `what` at `url`. */
export async function opening<T>(what: string, url: string, open: () => Promise<T>, lastError?: () => unknown): Promise<T> {
  try {
    return await open();
  } catch (error) {
    throw new StartupError(`${what} ${maskedUrl(url)}: ${causeOf(lastError?.() ?? error)}`, { cause: error });
  }
}
