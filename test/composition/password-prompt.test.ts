import { describe, expect, it } from 'vitest';
import { readPassword, type PasswordSource } from '../../src/composition/password-prompt.js';

/** A terminal that types `lines` in turn and records what the prompt shows. */
function terminal(lines: readonly string[]): PasswordSource & { readonly shown: string[] } {
  const queue = [...lines];
  const shown: string[] = [];
  return {
    isTerminal: true,
    shown,
    typed: async (prompt) => {
      shown.push(prompt);
      const line = queue.shift();
      if (line === undefined) throw new Error('nothing more typed');
      return line;
    },
    tell: (text) => shown.push(text),
    firstLine: async () => {
      throw new Error('a terminal is not read as a pipe');
    },
  };
}

const rules = { confirm: true, problem: (p: string) => (p.length < 10 ? 'at least 10 characters' : undefined) };

/** Issue 21 #14: a password is judged when first typed, and a refusal asks again instead of ending the command. */
describe('password prompt', () => {
  it('refuses a short password at once, before asking for it again, and asks anew', async () => {
    const t = terminal(['short', 'long-enough-1', 'long-enough-1']);
    expect(await readPassword('password: ', rules, t)).toBe('long-enough-1');
    expect(t.shown).toEqual(['password: ', 'at least 10 characters: try again', 'password: ', 'again: ']);
  });

  it('asks anew when the confirmation differs', async () => {
    const t = terminal(['long-enough-1', 'long-enough-2', 'long-enough-3', 'long-enough-3']);
    expect(await readPassword('password: ', rules, t)).toBe('long-enough-3');
    expect(t.shown).toEqual(['password: ', 'again: ', 'the two passwords differ: try again', 'password: ', 'again: ']);
  });

  it('gives up after three refused attempts', async () => {
    await expect(readPassword('password: ', rules, terminal(['a', 'b', 'c', 'long-enough-1', 'long-enough-1']))).rejects.toThrow(
      'no usable password after 3 attempts',
    );
  });

  it('takes a piped password as it is: the use case judges it, a script gets one answer', async () => {
    const piped: PasswordSource = { ...terminal([]), isTerminal: false, firstLine: async () => 'short' };
    expect(await readPassword('password: ', rules, piped)).toBe('short');
  });
});
