/**
 * The WeChat Pay sandbox: WeChat's side of the wire (the simulator, its keys and certificates, its state on disk),
 * a product of its own that production code never imports. The composition root reaches it only here, and only in
 * sandbox mode, through `import()`, so a production start never loads it; `npm run sandbox` runs it alone (cli.ts).
 */
export {
  openEmbeddedSandbox,
  type EmbeddedSandbox,
  type EmbeddedSandboxMerchant,
  type EmbeddedSandboxOptions,
  type EmbeddedSandboxProvider,
  type SandboxLog,
} from './embedded.js';
export type { StoredSandboxIdentity } from './identity/identity-store.js';
export type { WechatPaySimulator } from './simulator/router.js';
