export interface User {
  readonly uid: number;
  /** The user's openid under the merchant's mini-program appid: unifiedorder needs it. */
  readonly openid: string;
  readonly unionid?: string;
}

export interface UserRepository {
  findByUid(uid: number): Promise<User | undefined>;
  findByOpenid(openid: string): Promise<User | undefined>;
  /** Creates the user for an openid, or returns the existing one when a concurrent login created it first. */
  findOrCreate(openid: string, unionid?: string): Promise<User>;
  /** Newest first (highest uid first), for operators. `limit` at most 100. */
  list(limit: number, offset: number): Promise<User[]>;
}
