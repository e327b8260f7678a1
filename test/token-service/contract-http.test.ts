import { HttpTokenService } from '../../src/token-service/client.js';
import { startLocalTokenService } from '../../src/token-service/local-server.js';
import { LocalTokenStore, seedLocalAccount } from '../../src/token-service/local-service.js';
import { createTestDatabase } from '../support/database.js';
import { silentLogger } from '../support/logging.js';
import { tokenServiceContract } from './contract.js';

// The real client over loopback HTTP to the real local service on a real PostgreSQL.
tokenServiceContract('HttpTokenService + local service', async () => {
  const db = await createTestDatabase();
  const local = await startLocalTokenService({ prisma: db.prisma, log: silentLogger() });
  const store = new LocalTokenStore(db.prisma);

  return {
    service: new HttpTokenService({
      baseUrl: `${local.url}/`,
      apiKey: local.apiKey,
      log: silentLogger(),
    }),
    seed: (account) => seedLocalAccount(db.prisma, account),
    isLive: (accountId, token) => store.isLiveToken(accountId, token),
    close: async () => {
      await local.close();
      await db.drop();
    },
  };
});
