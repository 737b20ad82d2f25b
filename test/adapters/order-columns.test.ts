import { describe, expect, it } from 'vitest';
import { ORDER_COLUMNS, ORDER_COLUMNS_LEFT_ALONE } from '../../src/adapters/persistence/order-columns.js';
import { toOrderColumns } from '../../src/adapters/persistence/order-mapper.js';
import { OrderRecordSchema } from '../../src/adapters/persistence/order-record.js';
import { compareAndSetOrder, insertOrder, SELECT_OPEN_ORDER, SELECT_ORDER_WITH_REFUNDS } from '../../src/adapters/persistence/order-sql.js';
import { anOrder } from '../support/builders.js';

const properties = OrderRecordSchema.meta.properties as Record<string, { fieldName?: string }>;
const columnOf = (property: string): string => properties[property]?.fieldName ?? property;
const leftAlone = Object.keys(ORDER_COLUMNS_LEFT_ALONE);
const written = ORDER_COLUMNS.filter((p) => p !== 'id');

describe('the order columns (one list, checked against the entity schema)', () => {
  it('decides every column of the entity schema: read and written, or left alone with a reason', () => {
    const decided = [...ORDER_COLUMNS, ...leftAlone];
    expect(new Set(decided).size).toBe(decided.length);
    expect([...decided].sort()).toEqual(Object.keys(properties).sort());
    for (const reason of Object.values(ORDER_COLUMNS_LEFT_ALONE)) expect(reason.length).toBeGreaterThan(20);
  });

  it('has the mapper write exactly the listed columns', () => {
    const columns = toOrderColumns(anOrder().state);
    expect(Object.keys(columns).sort()).toEqual([...written].sort());
  });

  it('has the hot-path statements read every listed column and write every one but the id, and none left alone', () => {
    const columns = toOrderColumns(anOrder().state);
    const [insert] = insertOrder(columns);
    const [update] = compareAndSetOrder(columns);
    for (const property of ORDER_COLUMNS) {
      expect(SELECT_ORDER_WITH_REFUNDS).toContain(`o.${columnOf(property)} AS ${property},`);
      expect(SELECT_OPEN_ORDER).toMatch(new RegExp(`o\\.${columnOf(property)} AS ${property}\\b`));
    }
    for (const property of written) {
      expect(insert).toMatch(new RegExp(`[(, ]${columnOf(property)}[,)]`));
      expect(update).toMatch(new RegExp(`\\b${columnOf(property)} = \\?`));
    }
    for (const property of leftAlone) {
      for (const sql of [SELECT_ORDER_WITH_REFUNDS, SELECT_OPEN_ORDER, insert, update]) {
        expect(sql).not.toMatch(new RegExp(`\\b${columnOf(property)}\\b`));
      }
    }
  });
});
