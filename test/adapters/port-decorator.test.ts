import { describe, expect, it } from 'vitest';
import { decorate, intercept } from '../../src/adapters/port-decorator.js';

interface Counter {
  add(n: number): Promise<number>;
  read(): number;
  label(prefix: string): string;
}

/** A port adapter as the real ones are written: a class whose methods need `this` and private state. */
class PrivateCounter implements Counter {
  #total = 0;
  readonly name = 'private';
  add(n: number): Promise<number> {
    this.#total += n;
    return Promise.resolve(this.#total);
  }
  read(): number {
    return this.#total;
  }
  label(prefix: string): string {
    return `${prefix}${this.#total}`;
  }
}

describe('decorate: a port with some methods replaced', () => {
  it('replaces only the methods it is given, and every other one is the inner port’s, on the inner port', async () => {
    const inner = new PrivateCounter();
    const port = decorate<Counter>(inner, { label: (prefix) => `decorated ${prefix}` });
    expect(await port.add(2)).toBe(2);
    expect(await port.add(3)).toBe(5);
    expect(port.read()).toBe(5);
    expect(inner.read()).toBe(5);
    expect(port.label('x')).toBe('decorated x');
  });

  it('passes a method it was not told about through, so a method added to the port needs no wrapper edit', () => {
    const inner = new PrivateCounter();
    const port = decorate(inner, {});
    const { read } = port;
    expect(read()).toBe(0);
    expect(port.name).toBe('private');
    expect(port.read).toBe(port.read);
  });

  it('decorates a decorated port: the outer override wins, the inner one still applies beneath it', async () => {
    const inner = new PrivateCounter();
    const doubled = decorate<Counter>(inner, { add: (n) => inner.add(2 * n) });
    const labelled = decorate<Counter>(doubled, { label: () => 'outer' });
    expect(await labelled.add(4)).toBe(8);
    expect(labelled.label('')).toBe('outer');
    expect(labelled.read()).toBe(8);
  });

  it('refuses, at compile time, an override whose signature is not the port’s', () => {
    const inner = new PrivateCounter();
    // @ts-expect-error read returns a number, not a string
    decorate<Counter>(inner, { read: () => 'one' });
    // @ts-expect-error no such method on the port
    decorate<Counter>(inner, { subtract: () => 0 });
    expect(true).toBe(true);
  });
});

describe('intercept: one hook around each named method', () => {
  it('sees each call’s method and arguments, returns what the hook returns, and leaves other methods alone', async () => {
    const inner = new PrivateCounter();
    const seen: string[] = [];
    const port = intercept<Counter, 'add' | 'label'>(inner, ['add', 'label'], (method, call) => (...args) => {
      seen.push(`${method}(${args.join(',')})`);
      return call(...args);
    });
    expect(await port.add(7)).toBe(7);
    expect(port.label('#')).toBe('#7');
    expect(port.read()).toBe(7);
    expect(seen).toEqual(['add(7)', 'label(#)']);
  });

  it('lets a failure of the inner call reach the hook and, unless the hook handles it, the caller', async () => {
    const failing = decorate<Counter>(new PrivateCounter(), { add: () => Promise.reject(new Error('down')) });
    const outcomes: string[] = [];
    const port = intercept<Counter, 'add'>(failing, ['add'], (_method, call) => async (...args) => {
      try {
        return await call(...args);
      } catch (error) {
        outcomes.push((error as Error).message);
        throw error;
      }
    });
    await expect(port.add(1)).rejects.toThrow('down');
    expect(outcomes).toEqual(['down']);
  });
});
