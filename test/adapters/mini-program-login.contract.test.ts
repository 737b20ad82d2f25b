import { miniProgramLoginContract } from '../contracts/mini-program-login.contract.js';
import { FakeMiniProgramLogin } from '../support/doubles/fake-mini-program-login.js';

// The use-case tests' login must follow the same rules as the real adapter.
miniProgramLoginContract('the in-memory fake', async () => {
  const login = new FakeMiniProgramLogin();
  return { login, loginCode: async (openid, outcome) => login.issueLoginCode(openid, outcome), close: async () => undefined };
});
