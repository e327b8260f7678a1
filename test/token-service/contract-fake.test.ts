import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../src/errors.js';
import { FakeTokenService } from '../support/fake-token-service.js';
import { tokenServiceContract } from './contract.js';

tokenServiceContract('FakeTokenService', async () => {
  const fake = new FakeTokenService();
  return {
    service: fake,
    seed: async (account) => fake.seedAccount(account),
    isLive: async (accountId, token) => fake.liveToken(accountId) === token,
    close: async () => undefined,
  };
});

describe('FakeTokenService', () => {
  const expiresAt = new Date('2027-01-15T00:00:00.000Z');

  it('records renew calls, telling real renewals from replays', async () => {
    const fake = new FakeTokenService();
    fake.seedAccount({ accountId: 'acme', expiresAt });
    const key = randomUUID();

    await fake.renew('acme', key);
    await fake.renew('acme', key);

    expect(fake.renewCalls).toEqual([
      { accountId: 'acme', idempotencyKey: key, renewed: true },
      { accountId: 'acme', idempotencyKey: key, renewed: false },
    ]);
    expect(fake.renewals).toHaveLength(1);
  });

  it('fails the next matching call once, then behaves again', async () => {
    const fake = new FakeTokenService();
    fake.seedAccount({ accountId: 'acme', expiresAt });
    fake.failNext({ code: ErrorCode.TokenServiceTimeout, outcomeUnknown: true }, 'renew');

    const read = await fake.getToken('acme');
    const failed = await fake.renew('acme', randomUUID());
    const retried = await fake.renew('acme', randomUUID());

    expect(read.ok).toBe(true);
    expect(failed).toEqual({
      ok: false,
      failure: {
        code: ErrorCode.TokenServiceTimeout,
        outcomeUnknown: true,
        message: expect.any(String),
      },
    });
    expect(retried.ok).toBe(true);
    expect(fake.renewals).toHaveLength(1);
  });

  it('uses the clock it is given for the new expiry', async () => {
    const now = new Date('2026-12-01T12:00:00.000Z');
    const fake = new FakeTokenService(() => now);
    fake.seedAccount({ accountId: 'acme', expiresAt });

    const result = await fake.renew('acme', randomUUID());

    expect(result.ok && result.value.expiresAt).toEqual(new Date('2027-12-01T12:00:00.000Z'));
  });
});
