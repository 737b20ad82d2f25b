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

  it("keeps the simulator's wire code its own: a bug in the client's signing, XML or AES cannot pass both sides", () => {
    const simulator = join(src, 'adapters', 'wechatpay', 'simulator');
    // WeChat's published sample merchant is data both sides are configured with, not wire code: it is shared.
    const sampleMerchant = join(src, 'adapters', 'wechatpay', 'shared', 'sample-merchant.js');
    const offenders = sourcesUnder(simulator).flatMap((file) =>
      importsOf(file)
        .filter(
          (s) =>
            s.startsWith('.') &&
            resolve(file, '..', s).startsWith(join(src, 'adapters', 'wechatpay')) &&
            !resolve(file, '..', s).startsWith(simulator) &&
            resolve(file, '..', s) !== sampleMerchant,
        )
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
  });
});
