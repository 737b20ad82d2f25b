export interface SessionInfo {
  readonly openid: string;
  readonly unionid?: string;
}

/** What code2Session said about a wx.login code. */
export type SessionLookup =
  | ({ readonly kind: 'session' } & SessionInfo)
  /** Unknown, expired (5 minutes) or already used (40029, 40163): the user logs in again. */
  | { readonly kind: 'invalidCode' }
  /** WeChat's risk control blocks this user (40226). */
  | { readonly kind: 'blocked' }
  /** Too many logins for this user (45011, 100 a minute): try again in a minute. */
  | { readonly kind: 'rateLimited' }
  /** WeChat refuses our appid or AppSecret (40013, 40125, ...): the merchant's configuration, not the user, is wrong. */
  | { readonly kind: 'misconfigured'; readonly code: string; readonly message: string };

/**
 * The mini-program's login (wx.login's code exchanged for the user's openid): a matter of the mini-program and its
 * AppSecret, not of any payment provider, so it is a port of its own. Transport failures and unverifiable answers
 * are thrown as GatewayUnavailableError, as the payment gateway's are.
 */
export interface MiniProgramLogin {
  codeToSession(code: string): Promise<SessionLookup>;
}

/** Each configured mini-program's login (its own appid and AppSecret), by appid. */
export interface MiniProgramLogins {
  /** That mini-program's login, or undefined when it is none of ours. */
  forApp(appId: string): MiniProgramLogin | undefined;
}
