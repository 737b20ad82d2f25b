import { describe, expect, it } from 'vitest';
import { databaseAlerts } from '../../src/adapters/observability/database-alerts.js';
import { RecordingAlerts } from '../support/doubles/recording-alerts.js';

describe('database alerts', () => {
  it('raises one alert per kind of failure per interval while the database refuses statements', () => {
    const alerts = new RecordingAlerts();
    let now = 0;
    const report = databaseAlerts(alerts, () => now, 10_000);
    report('readOnly', new Error('read-only'));
    now = 9_999;
    report('readOnly', new Error('read-only'));
    report('connectionLost', new Error('gone'));
    now = 10_000;
    report('readOnly', new Error('still read-only'));
    expect(alerts.raised.map((a) => [a.kind, a.detail?.failure, a.detail?.error])).toEqual([
      ['databaseUnavailable', 'readOnly', 'read-only'],
      ['databaseUnavailable', 'connectionLost', 'gone'],
      ['databaseUnavailable', 'readOnly', 'still read-only'],
    ]);
  });
});
