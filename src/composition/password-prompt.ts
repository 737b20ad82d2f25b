import { stdin, stdout } from 'node:process';
import { createInterface } from 'node:readline/promises';

/** Where a password comes from: a terminal (typed, not echoed) or, when stdin is not one, its first line. */
export interface PasswordSource {
  readonly isTerminal: boolean;
  /** One line typed after `prompt`, never echoed. */
  typed(prompt: string): Promise<string>;
  /** A line for the person at the terminal. */
  tell(text: string): void;
  firstLine(): Promise<string>;
}

/** How many times a person may type a password that is refused before the command gives up. */
const ATTEMPTS = 3;

/** Everything on stdin, for a password piped in (`printf '%s\n' "$PW" | npm run operator -- add …`): its first line. */
async function firstLineOfStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

/** One line typed on the terminal without echoing it. Ctrl-C aborts. */
function typedSecretly(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // Raw (no echo) before the prompt shows: whatever is typed after it is never echoed, however fast.
    stdin.setRawMode(true);
    stdout.write(prompt);
    stdin.resume();
    stdin.setEncoding('utf8');
    let typed = '';
    const finish = (error?: Error): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stdout.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (data: string): void => {
      for (const ch of data) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003') return finish(new Error('aborted'));
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else if (ch >= ' ') typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}

export const processPasswordSource: PasswordSource = {
  get isTerminal() {
    return stdin.isTTY === true;
  },
  typed: typedSecretly,
  tell: (text) => stdout.write(`${text}\n`),
  firstLine: firstLineOfStdin,
};

export interface PasswordRules {
  /** Ask for it a second time, and take it only when both agree. */
  readonly confirm: boolean;
  /** Why a password cannot be used (its length, ...), or undefined when it can. */
  readonly problem: (password: string) => string | undefined;
}

/**
 * A password. On a terminal it is checked as soon as it is typed, before the confirmation: a refused one, or a
 * confirmation that differs, says why and asks again (up to 3 times), so nobody types a password twice to learn it
 * was too short. Piped in, the first line is taken as it is and the use case judges it (a script gets one answer).
 */
export async function readPassword(prompt: string, rules: PasswordRules, source: PasswordSource = processPasswordSource): Promise<string> {
  if (!source.isTerminal) return source.firstLine();
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const first = await source.typed(prompt);
    const problem = rules.problem(first);
    if (problem) {
      source.tell(`${problem}: try again`);
      continue;
    }
    if (!rules.confirm || (await source.typed('again: ')) === first) return first;
    source.tell('the two passwords differ: try again');
  }
  throw new Error(`no usable password after ${ATTEMPTS} attempts`);
}

/** One line typed on the terminal (echoed: a one-time code is no secret once used), or the first line of stdin. */
export async function readLine(prompt: string): Promise<string> {
  if (!stdin.isTTY) return firstLineOfStdin();
  const terminal = createInterface({ input: stdin, output: stdout });
  try {
    return await terminal.question(prompt);
  } finally {
    terminal.close();
  }
}
