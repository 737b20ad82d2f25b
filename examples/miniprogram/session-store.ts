/**
 * Keeps the session token across app launches, in the mini-program's local storage.
 *
 * Logging in costs a wx.login and a round trip (and, on the server, a jscode2session call to WeChat), so a token is
 * reused until shortly before it expires. The server stays the judge: a token it refuses anyway (its secret changed,
 * the storage was edited) comes back as a 401, and the client then signs in again.
 */

/** The three storage calls of `wx` the client needs. In a mini-program, pass `wx` itself. */
export interface KeyValueStorage {
  /** As wx.getStorageSync: the stored value, or '' when the key is absent. */
  getStorageSync(key: string): unknown;
  setStorageSync(key: string, value: unknown): void;
  removeStorageSync(key: string): void;
}

export interface StoredSession {
  readonly token: string;
  readonly uid: number;
  /** Unix milliseconds, by this device's clock: login time + the server's `expiresIn`. */
  readonly expiresAt: number;
}

/** Where the session lives unless told otherwise. */
export const DEFAULT_SESSION_KEY = 'wxpay.session';

/**
 * A token this close to its expiry is not used: a purchase (prepay, the cashier, polling) takes a while, and starting
 * one with a token about to lapse only buys a 401 half-way.
 */
export const EXPIRY_MARGIN_MS = 60_000;

export class SessionStore {
  constructor(
    private readonly storage: KeyValueStorage,
    private readonly now: () => number,
    private readonly key: string = DEFAULT_SESSION_KEY,
  ) {}

  /** The stored session, if it is well-formed and still valid for more than the margin. */
  load(): StoredSession | undefined {
    let value: unknown;
    try {
      value = this.storage.getStorageSync(this.key);
    } catch {
      return undefined; // unreadable storage just means signing in again
    }
    if (!isStoredSession(value)) return undefined;
    return this.isFresh(value) ? value : undefined;
  }

  isFresh(session: StoredSession): boolean {
    return this.now() < session.expiresAt - EXPIRY_MARGIN_MS;
  }

  save(session: StoredSession): void {
    try {
      this.storage.setStorageSync(this.key, { token: session.token, uid: session.uid, expiresAt: session.expiresAt });
    } catch {
      // Storage full or unavailable: the session still lives in memory; the next launch signs in again.
    }
  }

  clear(): void {
    try {
      this.storage.removeStorageSync(this.key);
    } catch {
      // Nothing to do: a stale token left behind is refused by the server and replaced.
    }
  }
}

/** Storage for when none is given (Node, tests): the session lasts as long as the client object. */
export class MemoryStorage implements KeyValueStorage {
  private readonly values = new Map<string, unknown>();

  getStorageSync(key: string): unknown {
    return this.values.has(key) ? this.values.get(key) : '';
  }

  setStorageSync(key: string, value: unknown): void {
    // wx stores a copy (it serialises the value); so does this, so callers cannot change what was stored.
    this.values.set(key, JSON.parse(JSON.stringify(value)) as unknown);
  }

  removeStorageSync(key: string): void {
    this.values.delete(key);
  }
}

function isStoredSession(value: unknown): value is StoredSession {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.token === 'string' && v.token !== '' && Number.isSafeInteger(v.uid) && Number.isFinite(v.expiresAt);
}
