/**
 * `node --import ./dist/load-env.js dist/main.js` (what `npm start` runs; `npm run dev`, `migrate` and `reconcile` do
 * the same through tsx): reads `.env` from the working directory when there is one. A variable already set in the
 * real environment wins over the file. Tests start src/main.ts without it, so a developer's .env never leaks into them.
 */
import { existsSync } from 'node:fs';

if (existsSync('.env')) process.loadEnvFile('.env');
