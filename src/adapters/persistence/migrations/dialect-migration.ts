import { BaseSqlitePlatform } from '@mikro-orm/knex';
import { Migration } from '@mikro-orm/migrations';

export type Dialect = 'mysql' | 'sqlite';

/**
 * The project's migrations are written by hand for the two databases it supports (MySQL/MariaDB in production, SQLite
 * embedded) and only ever add to the seed's schema. Each inspects what exists first, so a re-run after a crash
 * half-way (MySQL DDL is not transactional) finishes the job instead of failing on "duplicate column".
 */
export abstract class DialectMigration extends Migration {
  protected get dialect(): Dialect {
    return this.driver.getPlatform() instanceof BaseSqlitePlatform ? 'sqlite' : 'mysql';
  }

  protected async columnsOf(table: string): Promise<Map<string, { maxLength: number | null }>> {
    const rows =
      this.dialect === 'sqlite'
        ? (await this.execute(`select name as name, type as type from pragma_table_info(?)`, [table])).map((r) => ({
            name: String(r.name),
            maxLength: lengthOf(String(r.type)),
          }))
        : (
            await this.execute(
              `select column_name as name, character_maximum_length as len from information_schema.columns
                where table_schema = database() and table_name = ?`,
              [table],
            )
          ).map((r) => ({ name: String(r.name), maxLength: r.len === null ? null : Number(r.len) }));
    return new Map(rows.map((r) => [r.name.toLowerCase(), { maxLength: r.maxLength }]));
  }

  protected async indexesOf(table: string): Promise<Set<string>> {
    const rows =
      this.dialect === 'sqlite'
        ? await this.execute(`select name as name from pragma_index_list(?)`, [table])
        : await this.execute(
            `select distinct index_name as name from information_schema.statistics
              where table_schema = database() and table_name = ?`,
            [table],
          );
    return new Set(rows.map((r) => String(r.name).toLowerCase()));
  }
}

const lengthOf = (type: string): number | null => {
  const m = /\((\d+)\)/.exec(type);
  return m ? Number(m[1]) : null;
};
