import { databaseCreateAllowed, DEFAULT_DATABASE_URL, migrate, openOrm, parseDatabaseUrl, type DatabaseTarget } from './orm.js';

/** `npm run migrate`: applies pending migrations to DATABASE_URL (default: the embedded SQLite file). */
const databaseUrl = process.env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL;

/** Where, without credentials: driver errors and this line are all that is printed. */
const describe = (t: DatabaseTarget): string => (t.dialect === 'sqlite' ? `sqlite:${t.path}` : `mysql://${t.host}:${t.port}/${t.dbName}`);

let where = 'DATABASE_URL';
try {
  where = describe(parseDatabaseUrl(databaseUrl));
  // As the service: a production DATABASE_URL naming no database is a mistake to report, unless DATABASE_CREATE=yes.
  const createDatabase = databaseCreateAllowed(process.env.DATABASE_CREATE, process.env.NODE_ENV?.trim() === 'production');
  const orm = await openOrm(databaseUrl, { createDatabase });
  try {
    const applied = await migrate(orm);
    console.log(applied.length === 0 ? `${where}: up to date` : `${where}: applied ${applied.join(', ')}`);
  } finally {
    await orm.close();
  }
} catch (error) {
  console.error(`${where}: migration failed: ${error instanceof Error ? error.message : String(error)}`);
  // The service's rule (startup-errors.ts): a database that is not there is a configuration problem.
  process.exitCode = (error as { code?: unknown }).code === 'ER_BAD_DB_ERROR' ? 2 : 1;
}
