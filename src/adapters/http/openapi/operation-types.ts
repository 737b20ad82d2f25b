import type { z } from 'zod/v4';
import { ErrorSchema } from '../response-schemas.js';
import type { InputSchema } from '../schema.js';
import { EXAMPLES } from './examples.js';

/** Who reaches an endpoint: the public listener, the admin listener (ADMIN_PORT) or both (probes). */
export type Audience = 'public' | 'admin' | 'metrics' | 'probe';

export interface ResponseSpec {
  readonly description: string;
  /** A JSON answer's schema; absent for XML or text answers. */
  readonly schema?: z.ZodType;
  readonly xml?: boolean;
  readonly text?: boolean;
  readonly example?: unknown;
  readonly retryAfter?: boolean;
}

/** One endpoint as the OpenAPI document describes it. */
export interface Operation {
  readonly method: 'get' | 'post' | 'put';
  /** Express's form (`:outTradeNo`), so the route table and the document can be compared mechanically. */
  readonly path: string;
  readonly audience: Audience;
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  readonly auth?: 'user' | 'admin' | 'metrics';
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any field set
  readonly inputs?: readonly InputSchema<any>[];
  /** Media types of the request body. */
  readonly body?: readonly ('application/json' | 'application/x-www-form-urlencoded' | 'application/xml')[];
  readonly responses: Readonly<Record<number, ResponseSpec>>;
}

export const error = (description: string, extra: Partial<ResponseSpec> = {}): ResponseSpec => ({
  description,
  schema: ErrorSchema,
  ...extra,
});
export const BAD_BODY = {
  400: error('bad input: `msg` names the field and the rule (or the body is not valid JSON)', { example: EXAMPLES.badInput }),
  413: error('body over 16 KB'),
  415: error('a charset other than UTF-8, or a compressed body'),
};
/** Every route refuses a request whose Content-Type declares a charset other than UTF-8, before reading it. */
export const CHARSET = { 415: error('the request declares a charset other than UTF-8') };
export const USER = { 401: error('missing, invalid or expired bearer token') };
export const ADMIN = { 401: error('wrong admin token') };
export const NOT_FOUND = (what: string) => ({ 404: error(`${what} not found`) });
