import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { EmbeddedSandboxMerchant, EmbeddedSandboxProvider } from './embedded.js';
import type { SimulatorMiniProgramOptions } from './simulator/router.js';

/**
 * The standalone simulator's further merchants (`SANDBOX_MERCHANTS_FILE`): direct merchants and providers with their
 * sub-merchants, in the simulator's own terms. Secrets are sandbox values (v2 keys a tester chooses, AppSecrets);
 * `"v3": true` generates that mch_id's API v3 keys once in the data folder, as for the simulator's own merchant.
 */
const mchId = z.string().regex(/^[0-9]{8,10}$/, 'a mch_id is 8 to 10 digits');
const appId = z.string().regex(/^wx[0-9a-f]{16}$/, 'an appid is wx and 16 hex digits');
const apiKey = z.string().length(32, 'a v2 API key is 32 characters');

const fileSchema = z
  .object({
    merchants: z
      .array(z.object({ mchId, appIds: z.array(appId).min(1), apiKey: apiKey.optional(), v3: z.boolean().default(false) }).strict())
      .default([]),
    providers: z
      .array(
        z
          .object({
            spMchId: mchId,
            spAppId: appId,
            apiKey: apiKey.optional(),
            v3: z.boolean().default(false),
            subMerchants: z.array(z.object({ subMchId: mchId, subAppIds: z.array(appId) }).strict()).min(1),
          })
          .strict(),
      )
      .default([]),
    miniPrograms: z.array(z.object({ appId, appSecret: z.string().min(1) }).strict()).default([]),
  })
  .strict();

export interface SandboxMerchants {
  readonly merchants: readonly EmbeddedSandboxMerchant[];
  readonly providers: readonly EmbeddedSandboxProvider[];
  readonly miniPrograms: readonly SimulatorMiniProgramOptions[];
}

/** Reads and checks the file; throws an Error naming the file and its first problems. */
export function readSandboxMerchants(path: string): SandboxMerchants {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: not readable JSON (${(error as Error).message})`);
  }
  return parseSandboxMerchants(json, path);
}

export function parseSandboxMerchants(json: unknown, source = 'merchants'): SandboxMerchants {
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`);
    throw new Error(`${source}: ${problems.join('; ')}`);
  }
  const { merchants, providers, miniPrograms } = parsed.data;
  return {
    merchants: merchants.map((m) => ({ mchId: m.mchId, appIds: m.appIds, ...(m.apiKey ? { apiKey: m.apiKey } : {}), v3Keys: m.v3 })),
    providers: providers.map((p) => ({
      spMchId: p.spMchId,
      spAppId: p.spAppId,
      ...(p.apiKey ? { apiKey: p.apiKey } : {}),
      v3Keys: p.v3,
      subMerchants: p.subMerchants,
    })),
    miniPrograms,
  };
}
