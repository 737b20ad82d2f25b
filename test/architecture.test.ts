import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourcesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^import\s*['"]([^'"]+)['"]/gm)];
  return specifiers.map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

const FRAMEWORKS = /^(express|@mikro-orm\/|ioredis|inversify|reflect-metadata|mysql2|better-sqlite3|pino|prom-client|fast-xml-parser|zod)/;
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function violations(layer: string, isAllowed: (specifier: string, file: string) => boolean): string[] {
  return sourcesUnder(join(root, 'src', layer)).flatMap((file) =>
    importsOf(file)
      .filter((specifier) => !isAllowed(specifier, file))
      .map((specifier) => `${relative(root, file)} imports ${specifier}`),
  );
}

const escapesTo = (specifier: string, file: string, target: string): boolean =>
  specifier.startsWith('.') && resolve(file, '..', specifier).startsWith(join(root, 'src', target));

describe('architecture: dependencies point inward only', () => {
  it('keeps the domain free of frameworks, I/O, other layers and node built-ins', () => {
    expect(
      violations('domain', (s, f) => !FRAMEWORKS.test(s) && !NODE_BUILTINS.has(s) && !escapesTo(s, f, 'application') && !escapesTo(s, f, 'adapters')),
    ).toEqual([]);
  });

  it('keeps the application layer free of frameworks, node built-ins and adapters', () => {
    expect(violations('application', (s, f) => !FRAMEWORKS.test(s) && !NODE_BUILTINS.has(s) && !escapesTo(s, f, 'adapters'))).toEqual([]);
  });

  it('keeps the domain deterministic: no clock, no randomness, no decorators', () => {
    const offenders = sourcesUnder(join(root, 'src', 'domain')).flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return [/Date\.now\(/, /Math\.random\(/, /new Date\(\)/, /^\s*@\w+/m]
        .filter((pattern) => pattern.test(text))
        .map((pattern) => `${relative(root, file)} matches ${pattern}`);
    });
    expect(offenders).toEqual([]);
  });

  it('would notice a violation (the scanner itself works)', () => {
    const adapterFile = join(root, 'src', 'adapters', 'memory', 'in-memory-lock.ts');
    expect(importsOf(adapterFile)).toContain('node:crypto');
    expect(escapesTo('../adapters/x.js', join(root, 'src', 'application', 'a.ts'), 'adapters')).toBe(true);
  });
});
