import { CALLBACK_PATHS } from '../callback-paths.js';
import { z } from 'zod/v4';
import { responseRegistry } from '../response-schemas.js';
import type { JsonSchema } from '../schema.js';
import { EXAMPLES } from './examples.js';
import { OPERATIONS, type Audience, type Operation, type ResponseSpec } from './operations.js';

export interface DocumentOptions {
  /** Whose endpoints this listener serves: the document describes exactly those. */
  readonly audiences: readonly Audience[];
  /** /metrics wants METRICS_TOKEN. */
  readonly metricsToken: boolean;
  readonly version: string;
}

export type OpenApiDocument = { readonly openapi: '3.1.1' } & Readonly<Record<string, unknown>>;

const SCHEMAS = '#/components/schemas/';

const TAGS = [
  {
    name: 'Mini-program',
    description:
      'What the mini-program calls: log in, pay, poll the order, health coins. These paths serve the default mini-program; another mini-program of this deployment calls the same paths under `/mp/{appid}` (an appid not configured here is a 404).',
  },
  { name: 'Goods', description: 'The public catalogue (another mini-program’s: under `/mp/{appid}`).' },
  { name: 'WeChat callbacks', description: 'What WeChat Pay calls: XML in, XML out. Publish these through the reverse proxy.' },
  { name: 'Admin', description: 'Operators and automation, with ADMIN_TOKEN. Never publish these.' },
  { name: 'Operations', description: 'Probes and metrics.' },
];

const SECURITY_SCHEMES = {
  session: {
    type: 'http',
    scheme: 'bearer',
    description: 'the token from POST /wechat/login (or /mp/{appid}/wechat/login): valid only in the mini-program it was issued for',
  },
  adminToken: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' },
  metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN' },
} as const;

/** The express path `/a/:b` as OpenAPI's `/a/{b}`. */
export const openApiPath = (path: string): string => path.replace(/:(\w+)/g, '{$1}');

/**
 * The OpenAPI 3.1 document of what one listener serves, generated from the operations table, the request schemas
 * the routes validate with and the response schemas the views are typed by. The sandbox simulator is left out: it is
 * a stand-in for WeChat, present only in sandbox mode, and its control API is documented in the README.
 */
export function buildOpenApiDocument(options: DocumentOptions): OpenApiDocument {
  const operations = OPERATIONS.filter((op) => options.audiences.includes(op.audience));
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) (paths[openApiPath(op.path)] ??= {})[op.method] = operation(op, options);
  const used = new Set(operations.flatMap((op) => (op.auth === 'metrics' && !options.metricsToken ? [] : (op.auth ?? []))));
  const schemes = Object.fromEntries(
    Object.entries(SECURITY_SCHEMES).filter(([name]) =>
      used.has(name === 'session' ? 'user' : name === 'adminToken' ? 'admin' : 'metrics'),
    ),
  );
  return {
    openapi: '3.1.1',
    // Relative: the document describes the listener that served it, whatever host and port it was reached on.
    servers: [{ url: '/', description: 'the service that served this document' }],
    info: {
      title: 'wxpay-server',
      version: options.version,
      summary: 'WeChat Pay (v2) backend for a WeChat Mini Program merchant',
      description:
        'Every JSON answer is the seed’s envelope `{ errcode, msg, data }` with the HTTP status equal to errcode. Amounts are integer fen. Every answer carries X-Request-Id.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    tags: TAGS.filter((tag) => operations.some((op) => op.tag === tag.name)),
    paths,
    components: {
      schemas: schemasUsedBy(paths),
      headers: {
        'X-Request-Id': {
          description: 'this request’s id in the service’s log (yours when you sent a safe one)',
          schema: { type: 'string' },
        },
        'Retry-After': { description: 'seconds to wait before trying again', schema: { type: 'integer' } },
      },
      ...(Object.keys(schemes).length > 0 ? { securitySchemes: schemes } : {}),
    },
  };
}

function operation(op: Operation, options: DocumentOptions): Record<string, unknown> {
  const parameters = (op.inputs ?? []).flatMap((input) => input.parameters);
  const secured = op.auth !== undefined && (op.auth !== 'metrics' || options.metricsToken);
  // Without METRICS_TOKEN, /metrics asks for nothing and never answers 401.
  const responses = Object.entries(op.responses).filter(([status]) => secured || op.auth === undefined || status !== '401');
  return {
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    operationId: operationId(op),
    // `security: []` says in so many words that the operation asks for no credentials (callbacks, goods, probes).
    security: secured ? [{ [op.auth === 'user' ? 'session' : op.auth === 'admin' ? 'adminToken' : 'metricsToken']: [] }] : [],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(op.body ? { requestBody: requestBody(op) } : {}),
    responses: Object.fromEntries(responses.map(([status, spec]) => [status, response(spec)])),
  };
}

const operationId = (op: Operation): string =>
  op.method +
  op.path
    .split(/[/:-]/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');

function requestBody(op: Operation): Record<string, unknown> {
  if (op.body?.includes('application/xml')) {
    return {
      required: op.method === 'post',
      content: {
        'application/xml': {
          schema: { type: 'string', description: 'WeChat Pay v2 XML, at most 16 KB, UTF-8' },
          ...(op.path === CALLBACK_PATHS.pay ? { example: EXAMPLES.notify } : {}),
        },
      },
    };
  }
  const bodies = (op.inputs ?? []).map((input) => input.bodySchema).filter((s): s is JsonSchema => s !== undefined);
  const schema: JsonSchema = {
    type: 'object',
    properties: Object.assign({}, ...bodies.map((b) => b.properties as object)) as JsonSchema,
    ...(bodies.some((b) => b.required) ? { required: bodies.flatMap((b) => (b.required as string[] | undefined) ?? []) } : {}),
  };
  return {
    required: Array.isArray(schema.required),
    content: Object.fromEntries((op.body ?? []).map((type) => [type, { schema }])),
  };
}

function response(spec: ResponseSpec): Record<string, unknown> {
  const headers = {
    'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' },
    ...(spec.retryAfter ? { 'Retry-After': { $ref: '#/components/headers/Retry-After' } } : {}),
  };
  const example = spec.example === undefined ? {} : { example: spec.example };
  const content = spec.schema
    ? { 'application/json': { schema: jsonSchemaOf(spec.schema), ...example } }
    : spec.xml
      ? { 'application/xml': { schema: { type: 'string' }, ...example } }
      : { 'text/plain': { schema: { type: 'string' } } };
  return { description: spec.description, headers, content };
}

/** A zod schema as JSON Schema whose named parts point at components/schemas. */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const id = responseRegistry.get(schema)?.id;
  if (id !== undefined) return { $ref: `${SCHEMAS}${id}` };
  const { $defs: _defs, $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', metadata: responseRegistry });
  return rewriteRefs(rest) as JsonSchema;
}

/**
 * The named schemas the paths refer to, directly or through other schemas: a listener without the admin API (no
 * ADMIN_TOKEN, or the public listener of ADMIN_PORT) does not list the admin views.
 */
function schemasUsedBy(paths: unknown): Record<string, unknown> {
  const all = componentSchemas();
  const used = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (typeof value !== 'object' || value === null) return;
    for (const [key, v] of Object.entries(value)) {
      if (key === '$ref' && typeof v === 'string' && v.startsWith(SCHEMAS)) {
        const id = v.slice(SCHEMAS.length);
        if (!used.has(id)) {
          used.add(id);
          visit(all[id]);
        }
      } else visit(v);
    }
  };
  visit(paths);
  return Object.fromEntries(Object.entries(all).filter(([id]) => used.has(id)));
}

function componentSchemas(): Record<string, unknown> {
  const { schemas } = z.toJSONSchema(responseRegistry, { target: 'draft-2020-12', uri: (id) => `${SCHEMAS}${id}` });
  return Object.fromEntries(Object.entries(schemas).map(([id, { $id: _id, $schema: _dialect, ...schema }]) => [id, rewriteRefs(schema)]));
}

/**
 * `#/$defs/X` (zod's inline form) → `#/components/schemas/X`, where every named schema is; and without the safe-integer
 * bounds zod gives every integer, which say nothing to a reader.
 */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, v]) => !(key === 'minimum' && v === Number.MIN_SAFE_INTEGER) && !(key === 'maximum' && v === Number.MAX_SAFE_INTEGER))
      .map(([key, v]) => [key, key === '$ref' && typeof v === 'string' ? v.replace('#/$defs/', SCHEMAS) : rewriteRefs(v)]),
  );
}
