import type { AuditEntry, AuditLog, AuditQuery } from '../../../src/application/ports/audit-log.js';

export class InMemoryAuditLog implements AuditLog {
  readonly entries: AuditEntry[] = [];

  async record(entry: AuditEntry): Promise<void> {
    await Promise.resolve();
    this.entries.push(entry);
  }

  async list(query: AuditQuery): Promise<AuditEntry[]> {
    await Promise.resolve();
    return this.entries
      .filter((e) => query.subject === undefined || e.subject === query.subject)
      .filter((e) => query.merchantIds === undefined || (e.merchantId !== undefined && query.merchantIds.includes(e.merchantId)))
      .reverse()
      .slice(query.offset, query.offset + query.limit);
  }
}
