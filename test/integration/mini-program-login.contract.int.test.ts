import { miniProgramLoginContract } from '../contracts/mini-program-login.contract.js';
import { startSandbox } from '../support/wechat-sandbox.js';

/** The code2Session adapter over HTTP to the project's simulator (the same login whichever Pay API is configured). */
miniProgramLoginContract('WeChat code2Session on the simulator', async () => {
  const sb = await startSandbox();
  return {
    login: sb.login(),
    loginCode: async (openid, outcome) => {
      const { status, json } = await sb.control('/code', { openid, ...(outcome ? { outcome } : {}) });
      if (status >= 300) throw new Error(`control /code: ${status} ${JSON.stringify(json)}`);
      return String(json.code);
    },
    close: () => sb.close(),
  };
});
