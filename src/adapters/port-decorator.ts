/** The names of T's methods. */
export type MethodOf<T> = { [K in keyof T]-?: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T] & string;

type AnyCall = (...args: never[]) => unknown;

/**
 * A port that is `inner` except for the methods in `overrides`: the one way this codebase writes a decorator, so a
 * wrapper names only what it changes, and a method added to the port later passes through without being listed again
 * in every wrapper. Every other method is `inner`'s own, called on `inner` (private fields and `this` keep working);
 * writes go to `inner` too, so the decorated object is the port it wraps in every other respect.
 */
export function decorate<T extends object>(inner: T, overrides: Partial<Pick<T, MethodOf<T>>>): T {
  const replaced = new Map<PropertyKey, unknown>(Object.entries(overrides));
  // One bound function per method (not one per call), renewed if inner's method is itself replaced.
  const bound = new Map<PropertyKey, { readonly of: AnyCall; readonly call: AnyCall }>();
  return new Proxy(inner, {
    get(target, property) {
      if (replaced.has(property)) return replaced.get(property);
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const cached = bound.get(property);
      if (cached?.of === value) return cached.call;
      const call = (value as AnyCall).bind(target);
      bound.set(property, { of: value as AnyCall, call });
      return call;
    },
  });
}

/**
 * Wraps each of the named methods with one hook that sees the method's name and the call to `inner`: a cross-cutting
 * concern (timing, logging) written once rather than once per method. The hook returns the replacement call.
 */
export function intercept<T extends object, K extends MethodOf<T>>(
  inner: T,
  methods: readonly K[],
  around: (method: K, call: (...args: never[]) => unknown) => (...args: never[]) => unknown,
): T {
  const overrides: Partial<Record<K, unknown>> = {};
  for (const method of methods) {
    const original = inner[method] as AnyCall;
    overrides[method] = around(method, (...args) => original.apply(inner, args));
  }
  return decorate(inner, overrides as Partial<Pick<T, MethodOf<T>>>);
}
