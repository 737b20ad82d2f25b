import { Container } from 'inversify';
import type { Config } from './config.js';
import { bindAdapters } from './bindings/adapters.js';
import { bindUseCases } from './bindings/use-cases.js';
import type { Resources } from './resources.js';

/**
 * The one place that knows how the object graph is built: every port bound to the adapter the configuration
 * chooses, every use case bound to ports. `npm start`, `npm run reconcile` and the tests all build this container;
 * tests then rebind the ports they replace with doubles (see test/support/test-container.ts).
 */
export function buildContainer(config: Config, resources: Resources): Container {
  const container = new Container({ defaultScope: 'Singleton' });
  bindAdapters(container, config, resources);
  bindUseCases(container);
  return container;
}
