import { describe, expect, it } from 'vitest';
import { buildAuthorization, parseAuthorization } from '../../../../src/adapters/wechatpay/v3/authorization-header.js';

const PARAMS = {
  mchid: '1900009191',
  nonce_str: '593BEC0C930BF1AFEB40B4A08C8FB242',
  timestamp: '1554208460',
  serial_no: '1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C',
  signature:
    'uOVRnA4qG/MNnYzdQxJanN+zU+lTgIcnU9BxGw5dKjK+VdEUz2FeIoC+D5sB/LN+nGzX3hfZg6r5wT1pl2ZobmIc6p0ldN7J6yDg' +
    'UzbX8Uk3sD4a4eZVPTBvqNDoUqcYMlZ9uuDdCvNv4TM3c1WzsXUrExwVkI1XO5jCNbgDJ25nkT/c1gIFvqoogl7MdSFGc4W4xZsq' +
    'CItnqbypR3RuGIlR9h9vlRsy7zJR9PBI83X8alLDIfR1ukt1P7tMnmogZ0cuDY8cZsd8ZlCgLadmvej58SLsIkVxFJ8XyUgx9Fmu' +
    'tKSYTmYtWBZ0+tNvfGmbXU7cob8H/4nLBiCwIUFluw==',
};

// Shaped like the example in WeChat's signing guide (digest S16), in the parameter order published there; the
// signature is only parsed here, never verified.
const GUIDE_HEADER =
  'WECHATPAY2-SHA256-RSA2048 mchid="1900009191",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",' +
  `signature="${PARAMS.signature}",timestamp="1554208460",serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C"`;

const reasonOf = (header: unknown) => {
  const result = parseAuthorization(header);
  return result.ok ? 'ok' : result.error.reason;
};

describe('Authorization header', () => {
  it('parses the guide example in its own parameter order', () => {
    expect(parseAuthorization(GUIDE_HEADER)).toEqual({ ok: true, value: PARAMS });
  });

  it('round-trips what it builds', () => {
    expect(parseAuthorization(buildAuthorization(PARAMS))).toEqual({ ok: true, value: PARAMS });
  });

  it('tolerates whitespace around commas (RFC 9110 auth-param OWS) and trailing whitespace', () => {
    expect(reasonOf(GUIDE_HEADER.replaceAll('",', '", '))).toBe('ok');
    expect(reasonOf(GUIDE_HEADER.replaceAll('",', '" ,\t'))).toBe('ok');
    expect(reasonOf(`${GUIDE_HEADER} `)).toBe('ok');
  });

  it.each([
    [undefined, 'missing'],
    ['', 'missing'],
    [42, 'missing'],
    [GUIDE_HEADER.replace('WECHATPAY2-SHA256-RSA2048 ', 'wechatpay2-sha256-rsa2048 '), 'wrongScheme'],
    [GUIDE_HEADER.replace('WECHATPAY2-SHA256-RSA2048 ', 'Bearer '), 'wrongScheme'],
    [GUIDE_HEADER.replace('WECHATPAY2-SHA256-RSA2048 ', 'WECHATPAY2-SHA256-RSA2048'), 'wrongScheme'],
    [GUIDE_HEADER.replace('mchid="1900009191"', 'mchid=1900009191'), 'malformed'],
    [GUIDE_HEADER.replace('mchid="1900009191",', 'mchid="1900009191";'), 'malformed'],
    [`${GUIDE_HEADER},`, 'malformed'],
    [GUIDE_HEADER.replace('mchid="1900009191"', 'mchid="19\\"00"'), 'malformed'],
    [`${GUIDE_HEADER},extra="1"`, 'unknownParam'],
    [GUIDE_HEADER.replace('mchid=', 'MCHID='), 'unknownParam'],
    [`${GUIDE_HEADER},mchid="1900009191"`, 'duplicateParam'],
    [GUIDE_HEADER.replace(',serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C"', ''), 'missingParam'],
    [GUIDE_HEADER.replace('timestamp="1554208460"', 'timestamp="1554208460.5"'), 'badValue'],
    [GUIDE_HEADER.replace('timestamp="1554208460"', 'timestamp="01554208460"'), 'badValue'],
    [GUIDE_HEADER.replace('mchid="1900009191"', 'mchid=""'), 'badValue'],
    [GUIDE_HEADER.replace('serial_no="1DDE', 'serial_no="XDDE'), 'badValue'],
    [GUIDE_HEADER.replace('signature="uOVR', 'signature="u-VR'), 'badValue'],
    [GUIDE_HEADER.replace('nonce_str="593B', 'nonce_str="5 3B'), 'badValue'],
  ])('refuses %j as %s', (header, reason) => {
    expect(reasonOf(header)).toBe(reason);
  });

  it('refuses to build a header the parser would refuse, naming the bad parameter only', () => {
    expect(() => buildAuthorization({ ...PARAMS, nonce_str: 'a"b' })).toThrow(/invalid nonce_str$/);
    expect(() => buildAuthorization({ ...PARAMS, signature: '' })).toThrow(RangeError);
  });

  it('never echoes parameter values in a rejection detail', () => {
    const result = parseAuthorization(GUIDE_HEADER.replace('mchid="1900009191"', 'mchid="secret-ish"'));
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('secret-ish');
  });
});
