import { createHash, randomBytes } from 'node:crypto';
import type { SessionSecrets } from '../../application/ports/operators.js';

/** 256-bit tokens from the CSPRNG; sessions are stored under the token's SHA-256, so the table opens nothing. */
export const cryptoSessionSecrets: SessionSecrets = {
  newToken: () => randomBytes(32).toString('base64url'),
  digest: (token) => createHash('sha256').update(token, 'utf8').digest('hex'),
};
