import { err, ok, type Result } from '../../domain/result.js';
import { bodyOf } from './input.js';

/** A JSON Schema (2020-12, the dialect of OpenAPI 3.1), as plain data. */
export type JsonSchema = { readonly [keyword: string]: unknown };

type Parsed<T> = Result<T, string>;

/**
 * One kind of value: the parser the routes validate with (its message names the field) and the JSON Schema the
 * OpenAPI document shows, side by side, so the document is generated from the rule that validates.
 */
export interface Rule<T> {
  readonly parse: (value: unknown, label: string) => Parsed<T>;
  /** As a JSON body field. */
  readonly schema: JsonSchema;
  /** As a query, path or header parameter, whose value is always text (OpenAPI describes what the text holds). */
  readonly parameterSchema?: JsonSchema;
}

export type Location = 'query' | 'body' | 'header' | 'path';

export interface FieldOptions {
  /** The name on the wire (a header's name, say); default: the field's key. */
  readonly name?: string;
  /** How error messages call it; default: its name. */
  readonly label?: string;
  /** Default: the schema's location. */
  readonly in?: Location;
  readonly description?: string;
  readonly example?: unknown;
}

export interface OptionalOptions extends FieldOptions {
  /** An empty value (`?uid=`) counts as absent; default true. False where the old rule refused an empty value. */
  readonly blankIsAbsent?: boolean;
}

/** One input of an endpoint: a rule, where it comes from, and what its absence means. */
export interface Field<T> {
  readonly rule: Rule<unknown>;
  readonly options: FieldOptions;
  readonly required: boolean;
  /** Parses the raw value (undefined when absent) into the field's value. */
  readonly read: (raw: unknown, label: string) => Parsed<T>;
  readonly fallback?: unknown;
}

const absent = (raw: unknown, blankIsAbsent: boolean): boolean => raw === undefined || (blankIsAbsent && raw === '');

export const field = {
  /** Must be present; `missing` is the message when it is not (else the rule's own message). */
  required<T>(rule: Rule<T>, options: FieldOptions & { readonly missing?: string } = {}): Field<T> {
    return {
      rule,
      options,
      required: true,
      read: (raw, label) => (raw === undefined && options.missing !== undefined ? err(options.missing) : rule.parse(raw, label)),
    };
  },
  optional<T>(rule: Rule<T>, options: OptionalOptions = {}): Field<T | undefined> {
    return {
      rule,
      options,
      required: false,
      read: (raw, label) => (absent(raw, options.blankIsAbsent ?? true) ? ok(undefined) : rule.parse(raw, label)),
    };
  },
  withDefault<T>(rule: Rule<T>, fallback: T, options: OptionalOptions = {}): Field<T> {
    return {
      rule,
      options,
      required: false,
      fallback,
      read: (raw, label) => (absent(raw, options.blankIsAbsent ?? true) ? ok(fallback) : rule.parse(raw, label)),
    };
  },
};

type Fields = Readonly<Record<string, Field<unknown>>>;
export type InputOf<S extends Fields> = { [K in keyof S]: S[K] extends Field<infer T> ? T : never };

/** Where a request's values are read from. */
export interface InputSources {
  readonly query?: Readonly<Record<string, unknown>>;
  readonly body?: unknown;
  readonly path?: Readonly<Record<string, unknown>>;
  readonly header?: (name: string) => string | undefined;
}

export interface Parameter {
  readonly name: string;
  readonly in: Exclude<Location, 'body'>;
  readonly required: boolean;
  readonly description?: string;
  readonly schema: JsonSchema;
  readonly example?: unknown;
}

/**
 * What an endpoint accepts: its fields in the order they are checked. `parse` returns the first problem, as a message
 * that names the field, or every value; `parameters` and `bodySchema` describe the same fields for the OpenAPI
 * document.
 */
export class InputSchema<S extends Fields> {
  constructor(
    readonly location: Location,
    readonly fields: S,
  ) {}

  /** The same fields, read from another place (prepay takes them from the query string or the body). */
  at(location: Location): InputSchema<S> {
    return new InputSchema(location, this.fields);
  }

  parse(sources: InputSources): Parsed<InputOf<S>> {
    const body = bodyOf(sources.body);
    const values: Record<string, unknown> = {};
    for (const [key, f] of Object.entries(this.fields)) {
      const name = f.options.name ?? key;
      const where = f.options.in ?? this.location;
      const raw = where === 'body' ? body[name] : where === 'header' ? sources.header?.(name) : sources[where]?.[name];
      const value = f.read(raw, f.options.label ?? name);
      if (!value.ok) return value;
      values[key] = value.value;
    }
    return ok(values as InputOf<S>);
  }

  get parameters(): Parameter[] {
    return this.entries()
      .filter(([, , where]) => where !== 'body')
      .map(([name, f, where]) => ({
        name,
        in: where as Parameter['in'],
        required: f.required || where === 'path',
        ...(f.options.description === undefined ? {} : { description: f.options.description }),
        schema: withDefault(f.rule.parameterSchema ?? f.rule.schema, f),
        ...(f.options.example === undefined ? {} : { example: f.options.example }),
      }));
  }

  /** The JSON object the body fields make, or undefined when the endpoint takes no body. */
  get bodySchema(): JsonSchema | undefined {
    const body = this.entries().filter(([, , where]) => where === 'body');
    if (body.length === 0) return undefined;
    const required = body.filter(([, f]) => f.required).map(([name]) => name);
    return {
      type: 'object',
      properties: Object.fromEntries(
        body.map(([name, f]) => [
          name,
          {
            ...withDefault(f.rule.schema, f),
            ...(f.options.description === undefined ? {} : { description: f.options.description }),
            ...(f.options.example === undefined ? {} : { examples: [f.options.example] }),
          },
        ]),
      ),
      ...(required.length > 0 ? { required } : {}),
    };
  }

  private entries(): [string, Field<unknown>, Location][] {
    return Object.entries(this.fields).map(([key, f]) => [f.options.name ?? key, f, f.options.in ?? this.location]);
  }
}

const withDefault = (schema: JsonSchema, f: Field<unknown>): JsonSchema =>
  f.fallback === undefined ? schema : { ...schema, default: f.fallback };

export const inputs = <S extends Fields>(location: Location, fields: S): InputSchema<S> => new InputSchema(location, fields);
