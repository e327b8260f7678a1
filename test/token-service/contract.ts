import { randomBytes, randomUUID } from 'node:crypto';
import type { ProvisioningKind } from '../../src/domain/apps.js';
import { ErrorCode } from '../../src/errors.js';
import type { TokenService } from '../../src/token-service/types.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** One implementation of TokenService under test, with the hooks the contract needs. */
export interface TokenServiceSubject {
  service: TokenService;
  seed(account: {
    accountId: string;
    expiresAt: Date;
    provisioning: ProvisioningKind[];
    scimBaseUrl: string;
  }): Promise<void>;
  /** True when the token is the account's live one. */
  isLive(accountId: string, token: string): Promise<boolean>;
  close(): Promise<void>;
}

/** The behaviour every TokenService must show, run once per implementation. */
export function tokenServiceContract(
  name: string,
  start: () => Promise<TokenServiceSubject>,
): void {
  describe(`${name}: TokenService contract`, () => {
    let subject: TokenServiceSubject;
    const expiresAt = new Date('2027-03-01T09:30:00.000Z');

    beforeAll(async () => {
      subject = await start();
    });

    afterAll(async () => {
      await subject.close();
    });

    async function seededAccount(accountId = `acme-${randomBytes(4).toString('hex')}`) {
      const scimBaseUrl = 'https://acme.timly.test/scim/v2';
      await subject.seed({ accountId, expiresAt, provisioning: ['user', 'person'], scimBaseUrl });
      return { accountId, scimBaseUrl };
    }

    it('reads a seeded account without any secret', async () => {
      const { accountId, scimBaseUrl } = await seededAccount();

      const result = await subject.service.getToken(accountId);

      expect(result).toEqual({
        ok: true,
        value: { accountId, expiresAt, provisioning: ['user', 'person'], scimBaseUrl },
      });
    });

    it('answers an unknown account as not found, for reads and renewals', async () => {
      const read = await subject.service.getToken('no-such-account');
      const renewal = await subject.service.renew('no-such-account', randomUUID());

      for (const result of [read, renewal]) {
        expect(result.ok).toBe(false);
        if (result.ok) continue;
        expect(result.failure.code).toBe(ErrorCode.TokenServiceNotFound);
        expect(result.failure.outcomeUnknown).toBe(false);
      }
    });

    it('renews a token that lives 365 days, and the read shows the new expiry', async () => {
      const { accountId, scimBaseUrl } = await seededAccount();
      const before = Date.now();

      const result = await subject.service.renew(accountId, randomUUID());

      if (!result.ok) throw new Error(result.failure.message);
      expect(result.value.token.length).toBeGreaterThanOrEqual(20);
      expect(result.value.scimBaseUrl).toBe(scimBaseUrl);
      const lifetime = result.value.expiresAt.getTime() - before;
      expect(lifetime).toBeGreaterThanOrEqual(365 * DAY_MS - 1000);
      expect(lifetime).toBeLessThanOrEqual(365 * DAY_MS + 60_000);
      const read = await subject.service.getToken(accountId);
      expect(read.ok && read.value.expiresAt).toEqual(result.value.expiresAt);
    });

    it('answers the same key with the same token and renews nothing', async () => {
      const { accountId } = await seededAccount();
      const key = randomUUID();

      const first = await subject.service.renew(accountId, key);
      const again = await subject.service.renew(accountId, key);

      expect(again).toEqual(first);
      if (!first.ok) throw new Error(first.failure.message);
      expect(await subject.isLive(accountId, first.value.token)).toBe(true);
    });

    it('stops the old token at once when another key renews', async () => {
      const { accountId } = await seededAccount();
      const firstKey = randomUUID();
      const first = await subject.service.renew(accountId, firstKey);
      const second = await subject.service.renew(accountId, randomUUID());
      if (!first.ok || !second.ok) throw new Error('a renewal failed');

      expect(second.value.token).not.toBe(first.value.token);
      expect(await subject.isLive(accountId, first.value.token)).toBe(false);
      expect(await subject.isLive(accountId, second.value.token)).toBe(true);

      // A late replay of the first key answers as before but brings nothing back to life.
      const replay = await subject.service.renew(accountId, firstKey);
      expect(replay).toEqual(first);
      expect(await subject.isLive(accountId, second.value.token)).toBe(true);
    });

    it('refuses a key that was already used for another account', async () => {
      const one = await seededAccount();
      const other = await seededAccount();
      const key = randomUUID();
      await subject.service.renew(one.accountId, key);

      const result = await subject.service.renew(other.accountId, key);

      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.failure.code).toBe(ErrorCode.TokenServiceConflict);
    });

    it('handles account ids that need escaping in a URL', async () => {
      const { accountId } = await seededAccount(`acme/eu 1?x=#%-${randomBytes(2).toString('hex')}`);

      const read = await subject.service.getToken(accountId);
      const renewal = await subject.service.renew(accountId, randomUUID());

      expect(read.ok && read.value.accountId).toBe(accountId);
      expect(renewal.ok).toBe(true);
    });
  });
}
