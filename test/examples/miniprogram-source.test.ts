import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The example mini-program as DevTools gets it (examples/miniprogram): what it compiles, where the server address is
 * set, and what the shop's customers read. The pages themselves run in test/e2e/miniprogram-app.e2e.test.ts.
 */

const ROOT = join(import.meta.dirname, '../../examples/miniprogram');

function filesOf(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesOf(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}
const files = filesOf(ROOT);
const named = (predicate: (path: string) => boolean): string[] => files.filter(predicate).sort();
const sources = named((f) => (f.endsWith('.ts') && !f.endsWith('.d.ts')) || f.endsWith('.js'));
const pages = named((f) => f.includes('/pages/'));
const rel = (f: string): string => relative(ROOT, f);
const read = (f: string): string => readFileSync(f, 'utf8');

const CJK = /[\u3400-\u9fff]/;
/** Prose a person reads: two Latin words in a row. Identifiers, codes and paths have none. */
const PROSE = /[A-Za-z]{2,}[,.;:!?'’]*\s+[A-Za-z]{2,}/;
/** Chinese first, English beside it: the first Chinese character comes before the first Latin letter. */
function chineseFirst(text: string): boolean {
  const chinese = text.search(CJK);
  const latin = text.search(/[A-Za-z]/);
  return chinese >= 0 && (latin < 0 || chinese < latin);
}

/**
 * Every string literal of a TypeScript file, with the node it sits in. A template is one text, its substitutions
 * written `${}`, so that a sentence split by a value is judged whole.
 */
function literalsOf(file: string): { text: string; node: ts.Node }[] {
  const source = ts.createSourceFile(file, read(file), ts.ScriptTarget.ES2022, true);
  const found: { text: string; node: ts.Node }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node) || ts.isImportTypeNode(node)) return;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) found.push({ text: node.text, node });
    if (ts.isTemplateExpression(node)) {
      found.push({ text: node.head.text + node.templateSpans.map((span) => '${}' + span.literal.text).join(''), node });
      node.templateSpans.forEach((span) => visit(span.expression));
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('examples/miniprogram compiles as DevTools compiles it', () => {
  const out = mkdtempSync(join(tmpdir(), 'miniprogram-check-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it.each(sources.map(rel))('%s is valid TypeScript, and the JavaScript made of it parses (node --check)', (name) => {
    const { outputText, diagnostics } = ts.transpileModule(read(join(ROOT, name)), {
      fileName: name,
      reportDiagnostics: true,
      compilerOptions: { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.ESNext },
    });
    expect((diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
    const js = join(out, `${name.replaceAll('/', '_')}.mjs`);
    writeFileSync(js, outputText);
    const check = spawnSync(process.execPath, ['--check', js], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it.each(named((f) => f.endsWith('.json')).map(rel))('%s is JSON', (name) => {
    expect(() => JSON.parse(read(join(ROOT, name)))).not.toThrow();
  });
});

describe('the server address is set in one place', () => {
  it('API_BASE is defined in config.ts only, and no other file holds an http(s) address', () => {
    const definitions = sources.filter((f) => /\b(?:const|let|var)\s+API_BASE\b/.test(read(f))).map(rel);
    expect(definitions).toEqual(['config.ts']);
    // WeChat's own documentation links (sitemap.json's) are not a server address.
    const address = /https?:\/\/(?![\w.-]*weixin\.qq\.com\/)/;
    const addresses = sources.flatMap((f) =>
      literalsOf(f)
        .filter(({ text }) => address.test(text))
        .map(() => rel(f)),
    );
    expect(addresses).toEqual(['config.ts']);
    for (const other of named((f) => f.endsWith('.json') || f.endsWith('.wxml'))) expect(read(other), rel(other)).not.toMatch(address);
  });

  it('the README sends the reader to config.ts for it', () => {
    expect(read(join(ROOT, 'README.md'))).toMatch(/`API_BASE`[^\n]*`config\.ts`|`config\.ts`[^\n]*`API_BASE`/);
  });
});

describe('what the customer reads is Chinese first, with English beside it', () => {
  it('the check itself tells the two apart', () => {
    expect(chineseFirst('支付成功 Paid')).toBe(true);
    expect(chineseFirst('Paid 支付成功')).toBe(false);
    expect(chineseFirst('Paid')).toBe(false);
    expect(chineseFirst('健康币')).toBe(true);
  });

  it('every title bar (app.json, each page .json)', () => {
    const titles = named((f) => f.endsWith('.json') && (f.includes('/pages/') || f.endsWith('/app.json'))).map((f) => {
      const json = JSON.parse(read(f)) as { navigationBarTitleText?: string; window?: { navigationBarTitleText?: string } };
      return { file: rel(f), title: json.navigationBarTitleText ?? json.window?.navigationBarTitleText ?? '' };
    });
    expect(titles.length).toBeGreaterThan(2);
    expect(titles.filter(({ title }) => !chineseFirst(title))).toEqual([]);
  });

  it('every text of every page template (.wxml), outside and inside {{ }}', () => {
    const bad: string[] = [];
    for (const file of pages.filter((f) => f.endsWith('.wxml'))) {
      const markup = read(file).replace(/<!--[\s\S]*?-->/g, '');
      const texts = [...markup.matchAll(/>([^<]*)</g)].map((m) => m[1]!);
      for (const text of texts) {
        const literals = [...text.matchAll(/\{\{([\s\S]*?)\}\}/g)].flatMap((m) =>
          [...m[1]!.matchAll(/'([^']*)'|"([^"]*)"/g)].map((q) => q[1] ?? q[2]!),
        );
        for (const piece of [text.replace(/\{\{[\s\S]*?\}\}/g, ' '), ...literals]) {
          if (/[A-Za-z]/.test(piece) && !chineseFirst(piece)) bad.push(`${rel(file)}: ${piece.trim()}`);
        }
      }
    }
    expect(pages.filter((f) => f.endsWith('.wxml')).length).toBe(2);
    expect(bad).toEqual([]);
  });

  it('every sentence a page script, the price labels and the sandbox cashier show', () => {
    const shown = [...pages.filter((f) => f.endsWith('.ts')), ...['labels.ts', 'pricing.ts', 'sandbox-wx.ts'].map((f) => join(ROOT, f))];
    const bad = shown.flatMap((file) =>
      literalsOf(file)
        // wx's own errMsg convention ('requestPayment:fail cancel') is a protocol value, not a sentence.
        .filter(({ text }) => PROSE.test(text) && !/^\w+:(?:ok|fail)\b/.test(text))
        .filter(({ text }) => !chineseFirst(text))
        .map(({ text }) => `${rel(file)}: ${text}`),
    );
    expect(bad).toEqual([]);
  });

  it('short labels too: the buy buttons, the order states, the toast and the cashier', () => {
    const labelOf = (file: string, property: string): string[] =>
      literalsOf(join(ROOT, file))
        .filter(({ node }) => ts.isPropertyAssignment(node.parent) && node.parent.name.getText() === property)
        .map(({ text }) => text);
    const labels = [
      ...['WXPAY', 'INTEGRAL', 'MIXED', 'CHECKED', 'SUCC', 'FAILED', 'REFUND'].flatMap((code) => labelOf('labels.ts', code)),
      ...labelOf('pages/pay/pay.ts', 'title'),
      ...labelOf('sandbox-wx.ts', 'title'),
      ...labelOf('sandbox-wx.ts', 'content'),
    ];
    expect(labels.length).toBeGreaterThanOrEqual(10);
    expect(labels.filter((label) => !chineseFirst(label))).toEqual([]);
  });

  it("the cashier's buttons fit wx.showModal's limit of 4 characters (longer ones stop the modal from opening)", () => {
    const buttons = literalsOf(join(ROOT, 'sandbox-wx.ts')).filter(
      ({ node }) => ts.isPropertyAssignment(node.parent) && ['confirmText', 'cancelText'].includes(node.parent.name.getText()),
    );
    expect(buttons).toHaveLength(2);
    expect(buttons.filter(({ text }) => [...text].length > 4 || !CJK.test(text)).map(({ text }) => text)).toEqual([]);
  });
});
