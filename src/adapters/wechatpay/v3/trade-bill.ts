import { createHash, timingSafeEqual } from 'node:crypto';
import type { BilledDay } from '../../../application/ports/payment-gateway.js';
import { UntrustedResponseError } from '../shared/errors.js';
import { parseTradeBill, summaryDiscrepancies } from '../v2/bill.js';
import { V3AnswerError, type WechatV3Client } from './client.js';
import { parseJsonObject } from './answers.js';

/** A day's bill can be large; WeChat's download URL answers the file itself, unsigned. */
const BILL_MAX_BYTES = 64 * 1024 * 1024;

/**
 * `yyyy-MM-dd` of v3 from the port's `yyyyMMdd`. The codes for "no bill (yet)": NO_STATEMENT_EXIST (no trade that
 * day, or not generated) and STATEMENT_CREATING (being generated) — from WeChat's tradebill page, UNCONFIRMED here.
 */
const NOT_YET = new Set(['NO_STATEMENT_EXIST', 'STATEMENT_CREATING']);

/**
 * T+1 trade bill over v3: `GET /v3/bill/tradebill` (signed, verified) names a download URL and the file's SHA1;
 * the file is fetched with our signature from WeChat's own host only, and refused unless its SHA1 is the one the
 * verified answer promised — that hash is the only thing vouching for the unsigned file. The table has the v2 layout.
 */
export async function billedPaymentsV3(client: WechatV3Client, billDate: string): Promise<BilledDay | undefined> {
  if (!/^[0-9]{8}$/.test(billDate)) throw new RangeError('billDate must be yyyyMMdd');
  const date = `${billDate.slice(0, 4)}-${billDate.slice(4, 6)}-${billDate.slice(6, 8)}`;
  const answer = await client.call('tradebill', { method: 'GET', pathAndQuery: `/v3/bill/tradebill?bill_date=${date}&bill_type=SUCCESS` });
  if (answer.kind === 'refused') {
    if (answer.error.code !== undefined && NOT_YET.has(answer.error.code)) return undefined;
    throw new V3AnswerError(answer.error, 'tradebill');
  }
  const json = parseJsonObject(answer.body, 'tradebill');
  const { hash_type: hashType, hash_value: hashValue, download_url: downloadUrl } = json;
  if (hashType !== 'SHA1' || typeof hashValue !== 'string' || !/^[0-9a-fA-F]{40}$/.test(hashValue) || typeof downloadUrl !== 'string') {
    throw new UntrustedResponseError('tradebill: answer lacks hash_type SHA1, hash_value or download_url');
  }
  let url: URL;
  try {
    url = new URL(downloadUrl);
  } catch {
    throw new UntrustedResponseError('tradebill: download_url is not a URL');
  }
  const file = await client.fetchUnsigned('billdownload', url, BILL_MAX_BYTES);
  const digest = createHash('sha1').update(file, 'utf8').digest();
  if (!timingSafeEqual(digest, Buffer.from(hashValue, 'hex')))
    throw new UntrustedResponseError('billdownload: SHA1 differs from hash_value');
  const bill = parseTradeBill(file);
  return {
    payments: bill.rows.map((row) => ({ outTradeNo: row.outTradeNo, transactionId: row.transactionId, totalFee: row.totalFee })),
    discrepancies: summaryDiscrepancies(bill),
  };
}
