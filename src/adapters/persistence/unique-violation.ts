import { UniqueConstraintViolationException } from '@mikro-orm/core';

/**
 * Which unique constraint a failed write hit, read from the driver's message rather than guessed from the SQL text
 * (which names every column): MariaDB/MySQL name the index ("Duplicate entry 'x' for key 'uq_name'", MySQL 8 as
 * 'table.uq_name'); SQLite names the columns ("UNIQUE constraint failed: table.column"). Returns the index names and
 * `table.column` names found, or undefined when the error is not a unique violation. MikroORM's exception or the
 * driver's own error.
 */
export function violatedUniques(error: unknown): string[] | undefined {
  if (!(error instanceof UniqueConstraintViolationException) && !isDriverUniqueViolation(error)) return undefined;
  const message = (error as Error).message;
  const names: string[] = [];
  const mysql = [...message.matchAll(/for key '([^']+)'/g)].at(-1)?.[1];
  if (mysql) names.push(mysql, mysql.slice(mysql.lastIndexOf('.') + 1));
  const sqlite = /UNIQUE constraint failed: ([\w.]+(?:, [\w.]+)*)/.exec(message)?.[1];
  if (sqlite) names.push(...sqlite.split(', '));
  return names;
}

/** The drivers' own errors, from statements run without the ORM (raw-sql.ts). */
function isDriverUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
