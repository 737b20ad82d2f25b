/**
 * Start-up failures that name what failed, in one line an operator can act on: which dependency, where (its URL
 * with any password masked), and why in words — never a stack trace.
 */
export class StartupError extends Error {
  override readonly name = 'StartupError';
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
  ER_BAD_DB_ERROR: 'no such database',
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
