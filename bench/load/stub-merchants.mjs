// The shared WeChat Pay v2 stub (../shared/bench/stub-wechat.mjs) for many merchants: the same protocol, the same
// parsing and signing, the same control endpoints, but each request is checked and answered with the key of the
// merchant it names (mch_id), and the answer carries the request's appid and mch_id, as WeChat's does. The shared stub
// knows only the sample merchant; this one knows it too, plus every merchant of STUB_MERCHANTS (a JSON file
// { "<mch_id>": "<API v2 key>" }, written by the bench run). The merchants phase runs both the one-merchant and the
// many-merchant project against this stub, so WeChat's side costs them the same.
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';

const SAMPLE = { appid: 'wxd930ea5d5a258f4f', mch_id: '10000100', key: '192006250b4c09247ec02edce69f6a2d' };
const KEYS = new Map([[SAMPLE.mch_id, SAMPLE.key]]);
if (process.env.STUB_MERCHANTS) {
  for (const [mch, key] of Object.entries(JSON.parse(readFileSync(process.env.STUB_MERCHANTS, 'utf8')))) KEYS.set(mch, key);
}
const PREFIX = process.env.STUB_PREFIX || '/sandbox/wxpay';

const sign = (p, key, type = 'MD5') => {
  const s =
    Object.keys(p)
      .filter((k) => k !== 'sign' && p[k] !== '' && p[k] != null)
      .sort()
      .map((k) => `${k}=${p[k]}`)
      .join('&') + `&key=${key}`;
  return type === 'HMAC-SHA256'
    ? crypto.createHmac('sha256', key).update(s).digest('hex').toUpperCase()
    : crypto.createHash('md5').update(s).digest('hex').toUpperCase();
};
const parse = (x) => {
  const o = {};
  const re = /<([A-Za-z0-9_]+)>(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*))<\/\1>/g;
  let m;
  while ((m = re.exec(x))) o[m[1]] = m[2] ?? m[3];
  return o;
};
const xml = (o) =>
  '<xml>' +
  Object.entries(o)
    .map(([k, v]) => `<${k}><![CDATA[${v}]]></${k}>`)
    .join('') +
  '</xml>';

const orders = new Map(); // out_trade_no -> { fee, prepay, openid, paid, txn, mch }
const byPrepay = new Map(); // prepay_id -> order (the shared stub scans every order for control/pay)
const codes = new Map();
let seq = 0;

/** Signed with the merchant's key; a request naming an unknown merchant is answered with the sample key (and fails). */
function reply(res, p, o, type) {
  const key = KEYS.get(p.mch_id) ?? SAMPLE.key;
  const r = {
    return_code: 'SUCCESS',
    return_msg: 'OK',
    appid: p.appid ?? SAMPLE.appid,
    mch_id: p.mch_id ?? SAMPLE.mch_id,
    nonce_str: crypto.randomBytes(8).toString('hex'),
    result_code: 'SUCCESS',
    ...o,
  };
  r.sign = sign(r, key, type);
  res.setHeader('content-type', 'text/xml');
  res.end(xml(r));
}

/** The request's signature checked with its merchant's key. */
const signedByMerchant = (p, type) => KEYS.has(p.mch_id) && sign(p, KEYS.get(p.mch_id), type) === p.sign;

const json = (res, o) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(o));
};

http
  .createServer((req, res) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => {
      const url = new URL(req.url, 'http://x');
      const path = url.pathname.startsWith(PREFIX) ? url.pathname.slice(PREFIX.length) : url.pathname;
      if (path === '/pay/unifiedorder') {
        const p = parse(b);
        const st = p.sign_type || 'MD5';
        if (!signedByMerchant(p, st)) return reply(res, p, { return_code: 'FAIL', return_msg: 'SIGNERROR' }, st);
        let o = orders.get(p.out_trade_no);
        if (!o) {
          o = { fee: p.total_fee, prepay: 'wx' + Date.now() + ++seq, openid: p.openid, paid: false, mch: p.mch_id };
          orders.set(p.out_trade_no, o);
          byPrepay.set(o.prepay, o);
        }
        return reply(res, p, { trade_type: 'JSAPI', prepay_id: o.prepay }, st);
      }
      if (path === '/pay/orderquery') {
        const p = parse(b);
        const st = p.sign_type || 'MD5';
        if (!signedByMerchant(p, st)) return reply(res, p, { return_code: 'FAIL', return_msg: 'SIGNERROR' }, st);
        const o = orders.get(p.out_trade_no);
        if (!o || o.mch !== p.mch_id)
          return reply(res, p, { result_code: 'FAIL', err_code: 'ORDERNOTEXIST', err_code_des: 'order does not exist' }, st);
        const paid = o.paid || process.env.STUB_ALL_PAID === '1';
        if (paid && !o.txn) o.txn = '4200' + Date.now() + ++seq;
        return reply(
          res,
          p,
          paid
            ? {
                trade_state: 'SUCCESS',
                out_trade_no: p.out_trade_no,
                transaction_id: o.txn,
                total_fee: o.fee,
                cash_fee: o.fee,
                openid: o.openid,
                time_end: '20261127120000',
                trade_type: 'JSAPI',
                bank_type: 'CFT',
                fee_type: 'CNY',
              }
            : { trade_state: 'NOTPAY', out_trade_no: p.out_trade_no },
          st,
        );
      }
      if (path === '/sns/jscode2session') {
        const c = url.searchParams.get('js_code');
        const openid = codes.get(c);
        codes.delete(c);
        return json(
          res,
          openid ? { openid, session_key: crypto.randomBytes(16).toString('base64') } : { errcode: 40029, errmsg: 'invalid code' },
        );
      }
      if (path === '/control/code') {
        const j = b ? JSON.parse(b) : {};
        const code = 'c' + crypto.randomBytes(12).toString('hex');
        codes.set(code, j.openid || 'o' + crypto.randomBytes(10).toString('hex'));
        return json(res, { code });
      }
      if (path === '/control/pay') {
        const j = b ? JSON.parse(b) : {};
        const o = byPrepay.get(j.prepay_id);
        if (o) {
          o.paid = true;
          o.txn ||= '4200' + Date.now() + ++seq;
        }
        return json(res, { ok: true });
      }
      if (path === '/control/order') return json(res, orders.get(url.searchParams.get('out_trade_no')) ?? null);
      res.statusCode = 404;
      res.end('no');
    });
  })
  .listen(Number(process.env.STUB_PORT || 3200), '127.0.0.1', () =>
    console.log('merchants stub on', process.env.STUB_PORT || 3200, 'with', KEYS.size, 'merchants'),
  );
