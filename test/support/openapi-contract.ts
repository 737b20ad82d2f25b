import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { expect } from 'vitest';

type Document = Record<string, unknown> & { paths: Record<string, Record<string, unknown>> };

/** Validates an OpenAPI document itself against the OpenAPI 3.1 schema; resolves to the problems, none when valid. */
export async function openApiProblems(document: unknown): Promise<unknown[]> {
  const result = await new Validator().validate(document as Record<string, unknown>);
  return result.valid ? [] : Array.isArray(result.errors) ? result.errors : [result.errors];
}

const pointer = (...parts: string[]): string => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

export interface CallInit {
  readonly params?: Record<string, string | number>;
  readonly query?: string;
  readonly json?: unknown;
  readonly body?: string;
  readonly type?: string;
  readonly token?: string;
  readonly headers?: Record<string, string>;
}

export interface CallResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked against the document, then read freely
  readonly body: any;
}

/**
 * Calls a running service by the document's own path templates and checks every answer against the document: the
 * status must be one the operation declares, a JSON answer must match that status's schema (ajv, JSON Schema 2020-12,
 * the dialect of OpenAPI 3.1), and every answer must carry X-Request-Id. Records which operations were exercised.
 */
export class OpenApiContract {
  readonly exercised = new Set<string>();
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(
    readonly baseUrl: string,
    readonly document: Document,
  ) {
    this.ajv.addSchema({ ...document, $id: 'openapi.json' }, undefined, undefined, false);
  }

  /** `METHOD /path/{template}` of every operation the document declares. */
  get operations(): string[] {
    return Object.entries(this.document.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
  }

  async call(method: string, template: string, init: CallInit = {}): Promise<CallResult> {
    const operation = this.document.paths[template]?.[method.toLowerCase()] as { responses: Record<string, unknown> } | undefined;
    expect(operation, `${method} ${template} is not in the document`).toBeDefined();
    const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(init.params?.[name])));
    const headers: Record<string, string> = { ...init.headers };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    let body = init.body;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers['content-type'] = 'application/json';
    }
    if (init.type) headers['content-type'] = init.type;
    const res = await fetch(`${this.baseUrl}${path}${init.query ? `?${init.query}` : ''}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const text = await res.text();
    const where = `${method} ${template} → ${res.status}`;
    expect(Object.keys(operation!.responses), `${where}: status not declared`).toContain(String(res.status));
    expect(res.headers.get('x-request-id'), `${where}: no X-Request-Id`).toMatch(/^[\w.:-]{1,64}$/);
    let parsed: unknown = text;
    if (res.headers.get('content-type')?.startsWith('application/json')) {
      parsed = JSON.parse(text);
      const validate = this.validator(template, method.toLowerCase(), String(res.status));
      expect(validate(parsed) ? [] : validate.errors, `${where}: ${text.slice(0, 500)}`).toEqual([]);
    } else {
      const declared = Object.keys(((operation!.responses[String(res.status)] as { content?: object }).content ?? {}) as object);
      expect(
        declared.some((type) => res.headers.get('content-type')?.startsWith(type)),
        `${where}: content type`,
      ).toBe(true);
    }
    this.exercised.add(`${method.toUpperCase()} ${template}`);
    return { status: res.status, headers: res.headers, text, body: parsed };
  }

  private validator(path: string, method: string, status: string): ValidateFunction {
    const ref = `openapi.json#/${pointer('paths', path, method, 'responses', status, 'content', 'application/json', 'schema')}`;
    let validate = this.validators.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.validators.set(ref, validate);
    }
    return validate;
  }
}
