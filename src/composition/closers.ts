import type { Logger } from 'pino';

/** Things to close in reverse order of opening; a failure to close one does not stop the others. */
export class Closers {
  private readonly list: (() => Promise<void> | void)[] = [];

  constructor(private readonly logger: Logger) {}

  add(closer: () => Promise<void> | void): void {
    this.list.push(closer);
  }

  async closeAll(): Promise<void> {
    for (const closer of this.list.splice(0).reverse()) {
      try {
        await closer();
      } catch (error) {
        this.logger.warn({ err: error }, 'error while closing');
      }
    }
  }
}
