import { createHash, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { BilledDay, FundFlowDay, RefundBillDay } from '../../../application/ports/payment-gateway.js';
import { UntrustedResponseError } from '../shared/errors.js';
import { billedDay, parseTradeBill, refundBillDay } from '../v2/bill.js';
import { fundFlowDay, parseFundFlowBill } from '../v2/fund-flow-bill.js';
import { V3AnswerError, type WechatV3Client } from './client.js';
import { parseJsonObject } from './answers.js';

/** A day's bill can be large; WeChat's download URL answers the file itself, unsigned. */
const BILL_MAX_BYTES = 64 * 1024 * 1024;

/**
 * The codes for "no bill (yet)": NO_STATEMENT_EXIST (no trade that day, or not generated) and STATEMENT_CREATING
 * (being generated) — from WeChat's tradebill page, UNCONFIRMED here.
 */
const NOT_YET = new Set(['NO_STATEMENT_EXIST', 'STATEMENT_CREATING']);

const gunzipAsync = promisify(gunzip);
const isGzip = (bytes: Buffer): boolean => bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** `yyyy-MM-dd` of v3 from the port's `yyyyMMdd`. */
export function v3Date(billDate: string): string {
  if (!/^[0-9]{8}$/.test(billDate)) throw new RangeError('billDate must be yyyyMMdd');
  return `${billDate.slice(0, 4)}-${billDate.slice(4, 6)}-${billDate.slice(6, 8)}`;
}

/**
 * `GET /v3/bill/tradebill`, the query in wechatpay-java's order (GetTradeBillRequest); a provider names the
 * sub-merchant (sub_mchid) to get that merchant's bill rather than one of all its merchants.
 */
const tradeBillPath = (billDate: string, billType: 'SUCCESS' | 'REFUND', subMchId: string | undefined): string =>
  `/v3/bill/tradebill?bill_date=${v3Date(billDate)}${subMchId === undefined ? '' : `&sub_mchid=${subMchId}`}&bill_type=${billType}&tar_type=GZIP`;

/** T+1 trade bill of successful payments (`GET /v3/bill/tradebill?bill_type=SUCCESS`). */
export async function billedPaymentsV3(client: WechatV3Client, billDate: string, subMchId?: string): Promise<BilledDay | undefined> {
  const text = await downloadBill(client, 'tradebill', tradeBillPath(billDate, 'SUCCESS', subMchId));
  return text === undefined ? undefined : billedDay(parseTradeBill(text));
}

/** The day's refunds (`GET /v3/bill/tradebill?bill_type=REFUND`): the v2 REFUND table. */
export async function refundBillV3(client: WechatV3Client, billDate: string, subMchId?: string): Promise<RefundBillDay | undefined> {
  const text = await downloadBill(client, 'tradebill', tradeBillPath(billDate, 'REFUND', subMchId));
  return text === undefined ? undefined : refundBillDay(parseTradeBill(text));
}

/** The basic account's fund-flow bill (`GET /v3/bill/fundflowbill?account_type=BASIC`): the v2 table. */
export async function fundFlowBillV3(client: WechatV3Client, billDate: string): Promise<FundFlowDay | undefined> {
  const text = await downloadBill(
    client,
    'fundflowbill',
    `/v3/bill/fundflowbill?bill_date=${v3Date(billDate)}&account_type=BASIC&tar_type=GZIP`,
  );
  return text === undefined ? undefined : fundFlowDay(parseFundFlowBill(text));
}

/**
 * A v3 bill: the (signed, verified) answer names a download URL and the SHA1 of the original file; the file is
 * fetched with our signature from WeChat's own host only, unpacked when it is gzip (asked with tar_type=GZIP), and
 * refused unless the SHA1 of the unpacked text is the one the verified answer promised ("原始账单（gzip需要解压缩）的摘要值",
 * WeChat's tradebill and fundflowbill pages) — that hash is the only thing vouching for the unsigned file.
 * Undefined while WeChat has no bill for the day.
 */
async function downloadBill(client: WechatV3Client, operation: string, pathAndQuery: string): Promise<string | undefined> {
  const answer = await client.call(operation, { method: 'GET', pathAndQuery });
  if (answer.kind === 'refused') {
    if (answer.error.code !== undefined && NOT_YET.has(answer.error.code)) return undefined;
    throw new V3AnswerError(answer.error, operation);
  }
  const json = parseJsonObject(answer.body, operation);
  const { hash_type: hashType, hash_value: hashValue, download_url: downloadUrl } = json;
  if (hashType !== 'SHA1' || typeof hashValue !== 'string' || !/^[0-9a-fA-F]{40}$/.test(hashValue) || typeof downloadUrl !== 'string') {
    throw new UntrustedResponseError(`${operation}: answer lacks hash_type SHA1, hash_value or download_url`);
  }
  let url: URL;
  try {
    url = new URL(downloadUrl);
  } catch {
    throw new UntrustedResponseError(`${operation}: download_url is not a URL`);
  }
  const bytes = await client.fetchUnsignedBytes('billdownload', url, BILL_MAX_BYTES);
  let file: Buffer;
  try {
    file = isGzip(bytes) ? await gunzipAsync(bytes, { maxOutputLength: BILL_MAX_BYTES }) : bytes;
  } catch (e) {
    throw new UntrustedResponseError(`billdownload: unreadable gzip file (${e instanceof Error ? e.message : String(e)})`);
  }
  const digest = createHash('sha1').update(file).digest();
  if (!timingSafeEqual(digest, Buffer.from(hashValue, 'hex')))
    throw new UntrustedResponseError('billdownload: SHA1 differs from hash_value');
  return file.toString('utf8');
}
