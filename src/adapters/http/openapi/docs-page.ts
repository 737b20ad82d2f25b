import type { OpenApiDocument } from './document.js';

/**
 * `/docs`: the OpenAPI document rendered as one self-contained HTML page (no script, no CDN, no web font), so it reads
 * the same on an intranet. Everything on it comes from the document; nothing is written twice.
 */

type Schema = Readonly<Record<string, unknown>>;
type Operation = Readonly<{
  tags?: string[];
  summary?: string;
  description?: string;
  operationId: string;
  security?: Record<string, unknown>[];
  parameters?: Schema[];
  requestBody?: { content: Record<string, { schema: Schema; example?: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema; example?: unknown }> }>;
}>;

const escape = (text: unknown): string =>
  String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const code = (text: unknown): string => `<code>${escape(text)}</code>`;
const refName = (ref: string): string => ref.split('/').pop() ?? ref;
const link = (ref: string): string => `<a href="#schema-${escape(refName(ref))}">${escape(refName(ref))}</a>`;

/** A one-line description of a schema: its type and rules; objects get a nested table. */
function describe(schema: Schema, depth = 0): string {
  if (typeof schema.$ref === 'string') return link(schema.$ref);
  const alternatives = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (alternatives) return alternatives.map((s) => describe(s, depth)).join(' <em>or</em> ');
  if ('const' in schema) return code(JSON.stringify(schema.const));
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.map((v) => code(v)).join(', ')}`;
  if (schema.type === 'array') return `array of ${describe((schema.items ?? {}) as Schema, depth)}`;
  if (schema.type === 'object' && schema.properties) return depth > 3 ? 'object' : fields(schema, depth + 1);
  if (schema.type === 'object' && typeof schema.additionalProperties === 'object') {
    return `object of ${describe(schema.additionalProperties as Schema, depth)}`;
  }
  const rules = [
    schema.minimum !== undefined && schema.maximum !== undefined ? `${schema.minimum} to ${schema.maximum}` : undefined,
    schema.minimum !== undefined && schema.maximum === undefined ? `≥ ${schema.minimum}` : undefined,
    schema.multipleOf !== undefined ? `multiple of ${schema.multipleOf}` : undefined,
    schema.maxLength !== undefined ? `at most ${schema.maxLength} characters` : undefined,
    schema.pattern !== undefined && schema.maxLength === undefined ? `matching ${code(schema.pattern)}` : undefined,
    schema.format !== undefined ? String(schema.format) : undefined,
    schema.default !== undefined ? `default ${code(JSON.stringify(schema.default))}` : undefined,
  ].filter(Boolean);
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : ((schema.type as string | undefined) ?? 'any');
  return `${escape(type)}${rules.length > 0 ? ` <span class="rules">(${rules.join(', ')})</span>` : ''}`;
}

function fields(schema: Schema, depth: number): string {
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const rows = Object.entries(schema.properties as Record<string, Schema>).map(
    ([name, s]) =>
      `<tr><td>${code(name)}${required.has(name) ? '' : ' <span class="opt">optional</span>'}</td><td>${describe(s, depth)}${
        s.description ? `<div class="desc">${escape(s.description)}</div>` : ''
      }</td></tr>`,
  );
  return `<table class="fields">${rows.join('')}</table>`;
}

function parameters(list: Schema[]): string {
  const rows = list.map(
    (p) =>
      `<tr><td>${code(p.name)}${p.required ? '' : ' <span class="opt">optional</span>'}</td><td>${escape(p.in)}</td><td>${describe(
        p.schema as Schema,
      )}${p.description ? `<div class="desc">${escape(p.description)}</div>` : ''}</td></tr>`,
  );
  return `<h4>Parameters</h4><table class="fields"><tr><th>name</th><th>in</th><th>value</th></tr>${rows.join('')}</table>`;
}

const example = (value: unknown): string =>
  value === undefined ? '' : `<pre>${escape(typeof value === 'string' ? value : JSON.stringify(value, null, 2))}</pre>`;

function operation(method: string, path: string, op: Operation): string {
  const security = op.security?.map((s) => Object.keys(s).join(', ')).join(' or ');
  const body = op.requestBody
    ? `<h4>Body</h4>${Object.entries(op.requestBody.content)
        .map(([type, media]) => `<p>${code(type)}</p>${describe(media.schema)}${example(media.example)}`)
        .join('')}`
    : '';
  const responses = Object.entries(op.responses)
    .map(([status, r]) => {
      const media = Object.entries(r.content ?? {})[0];
      return `<tr><td class="status s${status[0]}">${escape(status)}</td><td>${escape(r.description)}${
        media ? `<div>${code(media[0])} ${describe(media[1].schema)}</div>${example(media[1].example)}` : ''
      }</td></tr>`;
    })
    .join('');
  return `<section class="op" id="${escape(op.operationId)}">
<h3><span class="method ${method}">${method.toUpperCase()}</span> ${code(path)}</h3>
<p class="summary">${escape(op.summary ?? '')}</p>${op.description ? `<p>${escape(op.description)}</p>` : ''}
${security ? `<p class="auth">Authorization: Bearer (${escape(security)})</p>` : ''}
${op.parameters?.length ? parameters(op.parameters) : ''}${body}
<h4>Responses</h4><table class="responses">${responses}</table></section>`;
}

const STYLE = `body{font:15px/1.5 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;color:#1d2329;display:flex}
nav{width:270px;flex:none;height:100vh;overflow:auto;position:sticky;top:0;background:#f5f6f7;padding:16px;box-sizing:border-box;font-size:13px}
nav a{display:block;color:#1d2329;text-decoration:none;padding:2px 0}nav h2{font-size:13px;margin:14px 0 4px;color:#07c160}
main{flex:1;min-width:0;max-width:1000px;padding:24px 36px;box-sizing:border-box}h1{margin-top:0}h2{border-bottom:2px solid #07c160;padding-bottom:4px;margin-top:40px}
.op{border:1px solid #e3e6e8;border-radius:6px;padding:4px 18px 12px;margin:18px 0}.summary{font-weight:600}
.method{display:inline-block;min-width:52px;text-align:center;border-radius:4px;color:#fff;font-size:13px;padding:1px 6px;margin-right:6px}
.get{background:#1677ff}.post{background:#07c160}.put{background:#fa8c16}code{background:#f0f2f3;padding:0 4px;border-radius:3px}
table{border-collapse:collapse;width:100%;margin:6px 0}td,th{border-top:1px solid #eceef0;padding:5px 8px;vertical-align:top;text-align:left}
table.fields table.fields{margin:4px 0 0}.opt,.rules,.desc{color:#6b7580;font-size:13px}.status{font-weight:700;width:48px}
.s2{color:#07c160}.s4{color:#d46b08}.s5{color:#cf1322}pre{background:#f7f8f9;padding:8px 10px;overflow:auto;font-size:12.5px;border-radius:4px}
.auth{color:#6b7580}`;

/** The whole page. */
export function renderDocsPage(document: OpenApiDocument): string {
  const info = document.info as { title: string; version: string; description?: string };
  const tags = (document.tags as { name: string; description?: string }[]) ?? [];
  const paths = document.paths as Record<string, Record<string, Operation>>;
  const ops = Object.entries(paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ method, path, op })));
  const schemas = ((document.components as { schemas?: Record<string, Schema> }).schemas ?? {}) as Record<string, Schema>;
  const nav = tags
    .map(
      (tag) =>
        `<h2>${escape(tag.name)}</h2>${ops
          .filter(({ op }) => op.tags?.includes(tag.name))
          .map(({ method, path, op }) => `<a href="#${escape(op.operationId)}">${method.toUpperCase()} ${escape(path)}</a>`)
          .join('')}`,
    )
    .join('');
  const sections = tags
    .map(
      (tag) =>
        `<h2>${escape(tag.name)}</h2>${tag.description ? `<p>${escape(tag.description)}</p>` : ''}${ops
          .filter(({ op }) => op.tags?.includes(tag.name))
          .map(({ method, path, op }) => operation(method, path, op))
          .join('\n')}`,
    )
    .join('\n');
  const components = Object.entries(schemas)
    .map(
      ([name, s]) =>
        `<section class="op" id="schema-${escape(name)}"><h3>${escape(name)}</h3>${
          s.description ? `<p>${escape(s.description)}</p>` : ''
        }${describe(s)}</section>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(info.title)} API</title><style>${STYLE}</style></head><body>
<nav><strong>${escape(info.title)} ${escape(info.version)}</strong>${nav}<h2>Schemas</h2>${Object.keys(schemas)
    .map((name) => `<a href="#schema-${escape(name)}">${escape(name)}</a>`)
    .join('')}</nav>
<main><h1>${escape(info.title)} API <small>${escape(info.version)}</small></h1><p>${escape(info.description ?? '')}</p>
<p>Machine-readable: <a href="openapi.json">openapi.json</a> (OpenAPI 3.1).</p>
${sections}<h2>Schemas</h2>${components}</main></body></html>`;
}
