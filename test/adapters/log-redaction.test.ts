import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loggableUrl, logScrubber } from '../../src/adapters/observability/log-redaction.js';
import { createLogger, learnLogSecrets } from '../../src/composition/logging.js';
import { lineSink } from '../support/test-container.js';

describe('log redaction: one rule for every line', () => {
  it('keeps a URL path and harmless query values, and the names but not the values of anything else', () => {
    expect(loggableUrl('/sns/jscode2session?appid=wx1&secret=s3cret&js_code=0a1b2c&grant_type=authorization_code')).toBe(
      '/sns/jscode2session?appid=wx1&secret=[redacted]&js_code=[redacted]&grant_type=authorization_code',
    );
    expect(loggableUrl('/wechat/prepay?goods_id=1&paid_type=WXPAY')).toBe('/wechat/prepay?goods_id=1&paid_type=WXPAY');
    expect(loggableUrl('/wechat/orders/1?token=abc&x=1')).toBe('/wechat/orders/1?token=[redacted]&x=[redacted]');
    expect(loggableUrl('/console/orders')).toBe('/console/orders');
  });

  it('empties credential fields wherever they are, and replaces configured secrets anywhere in a line', () => {
    const scrub = logScrubber(['the-app-secret-value', 'short']);
    const line = JSON.stringify({
      msg: 'failed: GET https://api.weixin.qq.com/sns/jscode2session?secret=the-app-secret-value&js_code=abc',
      err: { message: 'body {"session_key":"k3y==","openid":"o1"}', config: { headers: { Authorization: 'Bearer t0k3n' } } },
      note: 'the-app-secret-value',
      nested: { deeper: { password: 'hunter22', csrfToken: 'c5rf' } },
    });
    const out = scrub(line);
    for (const leaked of ['the-app-secret-value', 'k3y==', 'abc', 't0k3n', 'hunter22', 'c5rf']) expect(out).not.toContain(leaked);
    expect(JSON.parse(out)).toMatchObject({ nested: { deeper: { password: '[redacted]' } } });
    expect(out).toContain('"openid\\":\\"o1\\"'); // not a credential: kept
  });

  it('is what the process logger writes through', () => {
    const { lines, sink } = lineSink();
    const logger = createLogger('info', ['configured-secret-123'], sink);
    logger.info({ url: '/x?code=1&goods_id=2', detail: { inner: { token: 'tok-tok-tok' } } }, 'seen configured-secret-123');
    expect(lines.join('')).not.toMatch(/configured-secret-123|tok-tok-tok|code=1/);
    expect(lines.join('')).toContain('goods_id=2');
  });

  it('replaces, from then on, a secret it is told of after it was made (and in its children), however it is quoted', () => {
    const { lines, sink } = lineSink();
    const logger = createLogger('info', [], sink);
    logger.info('before learnt-secret-"quoted"');
    expect(learnLogSecrets(logger, ['learnt-secret-"quoted"', 'short'])).toBe(true);
    logger.info({ nested: { note: 'learnt-secret-"quoted"' } }, 'after learnt-secret-"quoted"');
    logger.child({ reqId: 'r' }).info('child learnt-secret-"quoted"');
    expect(lines[0]).toContain('learnt-secret-\\"quoted\\"');
    expect(lines.slice(1).join('')).not.toContain('learnt-secret-');
    expect(lines.slice(1).join('')).toContain('[redacted]');
    // A logger createLogger did not make has no scrubber to tell.
    expect(learnLogSecrets(pino({ level: 'silent' }), ['x'.repeat(16)])).toBe(false);
  });
});
