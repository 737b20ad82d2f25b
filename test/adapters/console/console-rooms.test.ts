import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const routesDir = resolve(import.meta.dirname, '../../../src/adapters/console/routes');

/** The console paths a routes file registers through ConsoleRoutes (`routes.page(…)` and `routes.action(…)`). */
function pathsOf(file: string): string[] {
  const text = readFileSync(join(routesDir, file), 'utf8');
  return [...text.matchAll(/routes\.(?:page|action)\(\s*['`]([^'`]+)['`]/g)].map((m) => m[1] ?? '');
}

/** The section a path belongs to: its first segment under /console, the dashboard for /console itself. */
const sectionOf = (path: string): string => /^\/console\/([^/?]+)/.exec(path)?.[1] ?? 'dashboard';

describe('console routes: each file is named for what it holds', () => {
  const files = readdirSync(routesDir).filter((name) => name.endsWith('.ts'));

  it.each(files)('%s registers only the pages and actions of its section', (file) => {
    const section = file.replace(/\.ts$/, '');
    const strangers = pathsOf(file).filter((path) => sectionOf(path) !== section);
    expect(strangers).toEqual([]);
  });

  it('gives the dashboard and the review queue files of their own', () => {
    expect(files).toEqual(expect.arrayContaining(['dashboard.ts', 'orders.ts', 'reviews.ts']));
  });
});
