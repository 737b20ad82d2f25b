import { BaseSqlitePlatform, type EntityManager } from '@mikro-orm/knex';
import type { SqlOrm } from './orm.js';

export type Row = Record<string, unknown>;

/**
 * Runs one statement on a fresh fork (tables that have no entity schema). Through the entity manager, so driver
 * errors arrive as MikroORM's exceptions (a unique violation is a UniqueConstraintViolationException).
 */
export function query<T = Row[]>(orm: SqlOrm, sql: string, params: unknown[] = [], method: 'all' | 'get' | 'run' = 'all'): Promise<T> {
  const em = orm.em.fork() as unknown as EntityManager;
  return em.execute(sql, params, method) as Promise<unknown> as Promise<T>;
}

export const isSqlite = (orm: SqlOrm): boolean => orm.em.getPlatform() instanceof BaseSqlitePlatform;

/** Rows an UPDATE/DELETE touched, for either driver. */
export function affectedRows(result: unknown): number {
  const r = result as { affectedRows?: number; changes?: number } | undefined;
  return Number(r?.affectedRows ?? r?.changes ?? 0);
}

export const dateOrUndefined = (value: unknown): Date | undefined =>
  value === null || value === undefined ? undefined : new Date(Number(value));
