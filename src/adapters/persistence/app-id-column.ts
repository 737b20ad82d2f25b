/**
 * How the seed's tables and wx_user name a mini-program: its appid, or '' in rows from before mini-programs (and in
 * rows the seed's PHP inserts without naming the column), which are the default mini-program's. The domain only ever
 * sees real appids.
 */
export const appIdOf = (stored: string | null | undefined, defaultAppId: string): string => (stored ? stored : defaultAppId);

/** The stored values of a mini-program's rows: the default one's may also hold ''. */
export const storedAppIds = (appId: string, defaultAppId: string): string[] => (appId === defaultAppId ? ['', appId] : [appId]);
