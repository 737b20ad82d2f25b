// The merchants phase's configuration: a MERCHANTS_FILE of many v2 direct merchants, each with its mini-programs, as
// README "Many shops: the merchants file" describes it, plus what the stub and the load need to act as each of them.
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Goods of the default mini-program: the other phases' goods 7 (app_id '', as the seed's rows). */
const DEFAULT_GOODS_ID = 7;
/** The goods of the other mini-programs: one each, 1000 + its index, the same price as goods 7. */
const goodsIdOf = (index) => (index === 0 ? DEFAULT_GOODS_ID : 1000 + index);

/** mch ids and appids of their own number range, so a notice of one merchant never names another's by accident. */
const mchIdOf = (i) => `19${String(i + 1).padStart(8, '0')}`;
const appIdOf = (j) => `wxb${String(j).padStart(15, '0')}`;

/**
 * Writes `<dir>/merchants.json` with `merchants` v2 direct merchants (distinct mch ids, random API keys as `file:`
 * references under `<dir>/keys/`) and `perMerchant` mini-programs each (AppSecrets as `env:` references; the first
 * mini-program of the first merchant is the default one). Live rules hold (https publicBaseUrl; refunds disabled, as
 * the stub has no mutual TLS), so the project runs with WECHAT_GATEWAY=wechat as in the other phases.
 * Returns the file, the environment its `env:` references read, the stub's key table and every mini-program.
 */
export function writeMerchantsFile(dir, { merchants: count, perMerchant }) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'keys'), { recursive: true, mode: 0o700 });
  const env = {};
  const stubKeys = {};
  const merchants = [];
  const miniPrograms = [];
  for (let i = 0; i < count; i++) {
    const id = `m${String(i + 1).padStart(3, '0')}`;
    const key = randomBytes(16).toString('hex');
    writeFileSync(join(dir, 'keys', `${id}.key`), key, { mode: 0o600 });
    const mchId = mchIdOf(i);
    stubKeys[mchId] = key;
    merchants.push({
      id,
      name: `bench shop ${i + 1}`,
      mode: 'direct',
      apiVersion: 'v2',
      mchId,
      v2: { apiKey: `file:keys/${id}.key`, refunds: 'disabled' },
    });
    for (let k = 0; k < perMerchant; k++) {
      const index = miniPrograms.length;
      const appId = appIdOf(index);
      const secretVar = `BENCH_MP_SECRET_${index}`;
      env[secretVar] = randomBytes(16).toString('hex');
      miniPrograms.push({ index, appId, merchantId: id, mchId, key, goodsId: goodsIdOf(index), secretVar });
    }
  }
  const file = join(dir, 'merchants.json');
  const json = {
    publicBaseUrl: 'https://bench.invalid',
    merchants,
    miniPrograms: miniPrograms.map((p) => ({
      appId: p.appId,
      name: `bench mini-program ${p.index}`,
      appSecret: `env:${p.secretVar}`,
      merchant: p.merchantId,
      ...(p.index === 0 ? { default: true } : {}),
    })),
  };
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  const stubFile = join(dir, 'stub-keys.json');
  writeFileSync(stubFile, JSON.stringify(stubKeys), { mode: 0o600 });
  return { file, env, stubFile, miniPrograms };
}
