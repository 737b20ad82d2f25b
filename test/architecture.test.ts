import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const src = join(root, 'src');

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourcesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^import\s*['"]([^'"]+)['"]/gm),
  ];
  return specifiers.map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

/** The folder of src a relative import lands in (domain, application, adapters, composition), or undefined. */
const layerOf = (specifier: string, file: string): string | undefined => {
  if (!specifier.startsWith('.')) return undefined;
  const target = relative(src, resolve(file, '..', specifier));
  return target.startsWith('..') ? 'outside src' : target.split('/')[0];
};

/** What each layer may import: an allowlist, so anything new (a package, a node built-in) must be allowed here first. */
function violations(layer: string, allowed: readonly string[]): string[] {
  return sourcesUnder(join(src, layer)).flatMap((file) =>
    importsOf(file)
      .filter((specifier) => !allowed.includes(layerOf(specifier, file) ?? `package ${specifier}`))
      .map((specifier) => `${relative(root, file)} imports ${specifier}`),
  );
}

/** Every way a file reaches into src/sandbox: the module it names and whether it loads it (value) or not. */
function sandboxReaches(file: string): { target: string; how: 'type' | 'import()' | 'value'; statement: string }[] {
  const text = readFileSync(file, 'utf8');
  const statements = [
    ...text.matchAll(/^(?:import|export)\s(type\s)?[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)/gm),
  ];
  return statements
    .map((m) => {
      const specifier = m[2] ?? m[3] ?? '';
      const how = m[3] !== undefined ? 'import()' : m[1] !== undefined ? 'type' : 'value';
      return { target: resolve(file, '..', specifier).replace(/\.js$/, '.ts'), how, statement: m[0], specifier } as const;
    })
    .filter(({ specifier, target }) => specifier.startsWith('.') && target.startsWith(join(src, 'sandbox')));
}

describe('architecture: dependencies point inward only', () => {
  it('lets the domain import only the domain: no package, no node built-in, no other layer', () => {
    expect(violations('domain', ['domain'])).toEqual([]);
  });

  it('lets the application import only the domain and itself (its use cases and ports)', () => {
    expect(violations('application', ['domain', 'application'])).toEqual([]);
  });

  it('keeps the adapters from knowing the composition root', () => {
    const offenders = sourcesUnder(join(src, 'adapters')).flatMap((file) =>
      importsOf(file)
        .filter((s) => layerOf(s, file) === 'composition')
        .map((s) => `${relative(root, file)} imports ${s}`),
    );
    expect(offenders).toEqual([]);
  });

  it('keeps production code from knowing the sandbox: no domain, application or adapter file imports src/sandbox', () => {
    const offenders = ['domain', 'application', 'adapters'].flatMap((layer) =>
      sourcesUnder(join(src, layer)).flatMap((file) =>
        importsOf(file)
          .filter((s) => layerOf(s, file) === 'sandbox')
          .map((s) => `${relative(root, file)} imports ${s}`),
      ),
    );
    expect(offenders).toEqual([]);
  });

  it('lets the composition root reach the sandbox only through its entry point, by types or import() in sandbox mode', () => {
    const entry = join(src, 'sandbox', 'index.ts');
    const offenders = sourcesUnder(join(src, 'composition')).flatMap((file) =>
      sandboxReaches(file)
        .filter(({ target, how }) => target !== entry || how === 'value')
        .map(({ statement }) => `${relative(root, file)}: ${statement}`),
    );
    expect(offenders).toEqual([]);
  });

  it("keeps the sandbox's wire code its own: a bug in the client's signing, XML or AES cannot pass both sides", () => {
    // The sandbox plays WeChat: it may use the domain's values (money, Beijing time), the Clock port and the system
    // clocks, and nothing of the merchant's side (adapters/wechatpay) nor of the service's wiring (composition).
    // WeChat's published sample merchant is data both sides are configured with, not wire code: it is shared.
    const allowed = (target: string): boolean =>
      ['domain', 'application', 'sandbox'].includes(target.split('/')[0] ?? '') ||
      target.startsWith('adapters/system/') ||
      target === 'adapters/wechatpay/shared/sample-merchant.js';
    const offenders = sourcesUnder(join(src, 'sandbox')).flatMap((file) =>
      importsOf(file)
        .filter((s) => s.startsWith('.') && !allowed(relative(src, resolve(file, '..', s))))
        .map((s) => `${relative(root, file)} imports ${s}`),
    );
    expect(offenders).toEqual([]);
  });

  it('keeps the domain deterministic: no clock, no randomness, no decorators', () => {
    const offenders = sourcesUnder(join(src, 'domain')).flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return [/Date\.now\(/, /Math\.random\(/, /new Date\(\)/, /^\s*@\w+/m]
        .filter((pattern) => pattern.test(text))
        .map((pattern) => `${relative(root, file)} matches ${pattern}`);
    });
    expect(offenders).toEqual([]);
  });

  it('keeps every domain and application file under 300 lines', () => {
    const long = [...sourcesUnder(join(src, 'domain')), ...sourcesUnder(join(src, 'application'))]
      .map((file) => [relative(root, file), readFileSync(file, 'utf8').split('\n').length] as const)
      .filter(([, lines]) => lines > 300);
    expect(long).toEqual([]);
  });

  it('would notice a violation (the scanner itself works)', () => {
    const adapterFile = join(src, 'adapters', 'in-process', 'in-process-lock.ts');
    expect(importsOf(adapterFile)).toContain('node:crypto');
    expect(layerOf('../adapters/x.js', join(src, 'application', 'a.ts'))).toBe('adapters');
    expect(layerOf('./ports/lock.js', join(src, 'application', 'a.ts'))).toBe('application');
    expect(layerOf('node:crypto', join(src, 'domain', 'a.ts'))).toBeUndefined();
    const resources = join(src, 'composition', 'resources.ts');
    expect(sandboxReaches(resources).map(({ how }) => how)).toEqual(expect.arrayContaining(['type', 'import()']));
  });
});
