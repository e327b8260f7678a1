import { ErrorCode } from '../../src/errors.js';
import { startLocalTokenService } from '../../src/token-service/local-server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { silentLogger } from '../support/logging.js';

describe('startLocalTokenService', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  it('listens on loopback with a random key when none is given', async () => {
    const local = await startLocalTokenService({ prisma: db.prisma, log: silentLogger() });
    const other = await startLocalTokenService({ prisma: db.prisma, log: silentLogger() });

    try {
      expect(local.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(local.apiKey.length).toBeGreaterThanOrEqual(32);
      expect(other.apiKey).not.toBe(local.apiKey);
      const response = await fetch(`${local.url}/nowhere`);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: 'not_found' });
    } finally {
      await Promise.all([local.close(), other.close()]);
    }
  });

  it('uses the key it is given and may be closed twice', async () => {
    const local = await startLocalTokenService({
      prisma: db.prisma,
      log: silentLogger(),
      apiKey: 'given-key',
    });

    const response = await fetch(`${local.url}/accounts/x/provision-token`, {
      headers: { authorization: 'Bearer given-key' },
    });

    expect(local.apiKey).toBe('given-key');
    expect(response.status).toBe(404);
    await local.close();
    await local.close();
  });

  it('names the port when it cannot listen', async () => {
    const local = await startLocalTokenService({ prisma: db.prisma, log: silentLogger() });
    const port = Number(new URL(local.url).port);

    try {
      await expect(
        startLocalTokenService({ prisma: db.prisma, log: silentLogger(), port }),
      ).rejects.toMatchObject({
        code: ErrorCode.ConfigInvalid,
        message: expect.stringContaining(`127.0.0.1:${port}`),
      });
    } finally {
      await local.close();
    }
  });
});
