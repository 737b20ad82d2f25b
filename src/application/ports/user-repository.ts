/** A user of one mini-program: an openid exists per appid, so the same person in two mini-programs is two users. */
export interface User {
  readonly uid: number;
  /** The mini-program the user signed in to. */
  readonly appId: string;
  /** The user's openid under that appid: unifiedorder needs it. */
  readonly openid: string;
  /** WeChat's unionid, when the mini-program is bound to an open platform account and WeChat gave it. */
  readonly unionid?: string;
}

export interface UserRepository {
  findByUid(uid: number): Promise<User | undefined>;
  /** The user of that openid in one mini-program (absent: the default one). */
  findByOpenid(openid: string, appId?: string): Promise<User | undefined>;
  /**
   * Creates the user for an openid of one mini-program (absent: the default one), or returns the existing one when a
   * concurrent login created it first.
   */
  findOrCreate(openid: string, unionid?: string, appId?: string): Promise<User>;
  /**
   * Newest first (highest uid first), for operators. `limit` at most 100. `appIds`: only the users of these
   * mini-programs (an empty list matches nothing; absent, every user), narrowed in the query before it is paged, so a
   * shop operator's every page is full.
   */
  list(limit: number, offset: number, appIds?: readonly string[]): Promise<User[]>;
}
