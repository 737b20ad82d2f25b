import { createInterface } from 'node:readline';

/**
 * The protocol between a multi-process test and its workers: the worker gets its config as argv[2] (JSON), builds
 * everything, prints READY, waits for GO on stdin (so all workers start together), then prints one RESULT line.
 */
export async function workerMain<C, R>(run: (config: C) => Promise<{ go: () => Promise<R>; close: () => Promise<void> }>): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as C;
  const worker = await run(config);
  const lines = createInterface({ input: process.stdin });
  process.stdout.write('READY\n');
  for await (const line of lines) if (line.trim() === 'GO') break;
  lines.close();
  try {
    const result = await worker.go();
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  } finally {
    await worker.close();
  }
}

export const describeError = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]!.slice(0, 160)}` : String(error);
