import { z } from 'zod';

/** The environment as the process hands it over. */
export type Env = Readonly<Record<string, string | undefined>>;

/** A group of settings: each variable's name and how it is parsed, its default and its message included. */
export type Fields = Readonly<Record<string, z.ZodTypeAny>>;

export type Values<F extends Fields> = { readonly [K in keyof F]: z.output<F[K]> };

/**
 * The settings as read: every variable parsed on its own, so that a malformed value hides no other problem and a rule
 * between variables still sees the ones that parsed (zod would skip an object-level refinement once any field fails).
 */
export interface Reading<F extends Fields> {
  /** Trustworthy only for a variable that `parsed`; the others hold undefined. */
  readonly values: Values<F>;
  /** The variable parsed (to its value or its default). */
  parsed(name: keyof F): boolean;
  /** The variable is set to something other than blanks, whether or not it parsed. */
  given(name: keyof F): boolean;
  /** One line per malformed variable: `NAME: message`. */
  readonly problems: readonly string[];
}

export function readFields<F extends Fields>(fields: F, env: Env): Reading<F> {
  const values: Record<string, unknown> = {};
  const ok = new Set<keyof F>();
  const problems: string[] = [];
  for (const [name, field] of Object.entries(fields)) {
    const result = field.safeParse(env[name]);
    if (result.success) {
      values[name] = result.data;
      ok.add(name);
    } else {
      problems.push(...result.error.issues.map((issue) => `${name}: ${issue.message}`));
    }
  }
  return {
    values: values as Values<F>,
    parsed: (name) => ok.has(name),
    given: (name) => (env[name as string]?.trim() ?? '') !== '',
    problems,
  };
}

/**
 * A rule between settings, checked only when every variable it reads parsed: a malformed one is reported already, and
 * a guess at its value would add a second, misleading line.
 */
export function rule<F extends Fields, K extends keyof F>(
  reading: Reading<F>,
  reads: readonly K[],
  check: (values: Pick<Values<F>, K>) => string | undefined,
): string[] {
  if (!reads.every((name) => reading.parsed(name))) return [];
  const problem = check(reading.values);
  return problem === undefined ? [] : [problem];
}

/** Blank is unset: `KEY=` in a .env file means "not given", not "the empty string". */
export const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/**
 * A whole number written in decimal digits within [min, max], with one message that says so: `PORT=abc`, `3.5`,
 * `1e3` or ` ` each read "PORT: must be an integer from 0 to 65535", never a type error or a silent 0.
 */
export function integer(min: number, max: number = Number.MAX_SAFE_INTEGER) {
  const message = max === Number.MAX_SAFE_INTEGER ? `must be an integer, at least ${min}` : `must be an integer from ${min} to ${max}`;
  return z
    .string()
    .trim()
    .regex(/^[0-9]{1,15}$/, message)
    .transform(Number)
    .pipe(z.number().min(min, message).max(max, message));
}

export const port = integer(0, 65_535);

export const httpUrl = optionalText.refine((v) => v === undefined || /^https?:\/\//.test(v), 'must be an http(s) URL');

/** A secret long enough not to be guessed; its value never appears in a message. */
export const secret = (minLength: number) =>
  optionalText.refine((v) => v === undefined || v.length >= minLength, `must be at least ${minLength} characters`);
