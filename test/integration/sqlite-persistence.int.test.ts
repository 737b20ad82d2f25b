import { scratchSqlite, seedSchemaForSqlite, SEED_SCHEMA_SQL } from '../support/databases.js';
import { persistenceSuite } from './persistence.suite.js';

persistenceSuite({ dialect: 'sqlite', name: 'SQLite', create: scratchSqlite, seedSchema: seedSchemaForSqlite(SEED_SCHEMA_SQL) });
