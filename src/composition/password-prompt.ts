import { stdin, stdout } from 'node:process';
import { createInterface } from 'node:readline/promises';

/** Everything on stdin, for a password piped in (`printf '%s\n' "$PW" | npm run operator -- add …`): its first line. */
async function firstLineOfStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

/** One line typed on the terminal without echoing it. Ctrl-C aborts. */
function typedSecretly(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    stdout.write(prompt);
    stdin.setRawMode(true);
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

/** A password: typed twice on a terminal (never echoed), or the first line of stdin when it is not one. */
export async function readPassword(prompt: string, confirm: boolean): Promise<string> {
  if (!stdin.isTTY) return firstLineOfStdin();
  const first = await typedSecretly(prompt);
  if (confirm && (await typedSecretly('again: ')) !== first) throw new Error('the two passwords differ');
  return first;
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
