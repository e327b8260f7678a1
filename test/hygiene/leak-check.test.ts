import { findLeaks, issuedTokens, publicSlackTexts } from '../support/hygiene.js';
import { addAccount, startHarness } from '../support/bot-harness.js';

describe('the secret-hygiene check itself', () => {
  it('recomputes issued tokens and finds one in a log line or a channel post', async () => {
    const h = await startHarness();
    try {
      await addAccount(h);
      const renewed = await h.bot.runtime.tokenService.renew('acme', crypto.randomUUID());
      if (!renewed.ok) throw new Error(renewed.failure.message);

      const tokens = await issuedTokens(h.db.prisma);
      expect(tokens).toEqual([renewed.value.token]);
      const channelPost = { method: 'chat.postMessage', body: { channel: 'C1', text: tokens[0] } };
      const privatePost = { method: 'chat.postEphemeral', body: { text: tokens[0] } };
      expect(publicSlackTexts([channelPost, privatePost])).toHaveLength(1);
      expect(findLeaks(tokens, { log: [`{"msg":"${tokens[0]}"}`] })).toHaveLength(1);
      expect(findLeaks(tokens, { log: ['{"msg":"nothing here"}'] })).toHaveLength(0);
    } finally {
      await h.stop();
    }
  });
});
