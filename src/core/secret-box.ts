import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ErrorCode, TimlyRenewError } from '../errors.js';

const VERSION = 'v1';

/** Seals pending secrets at rest with AES-256-GCM; the sealed text carries its nonce and tag. */
export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) {
      throw new TimlyRenewError(ErrorCode.ConfigInvalid, 'SECRET_ENCRYPTION_KEY must be 32 bytes.');
    }
    this.key = key;
  }

  seal(plain: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), body].map((part) => part.toString('base64url'));
    return [VERSION, ...parts].join('.');
  }

  /** Opens a sealed secret; `context` must be what it was sealed with (the renewal id). */
  open(sealed: string, context: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || body === undefined) {
      throw unreadable();
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      const plain = Buffer.concat([
        decipher.update(Buffer.from(body, 'base64url')),
        decipher.final(),
      ]);
      return plain.toString('utf8');
    } catch (error) {
      throw unreadable(error);
    }
  }
}

// Sealed under another SECRET_ENCRYPTION_KEY, or damaged: the token cannot be shown again.
function unreadable(cause?: unknown): TimlyRenewError {
  return new TimlyRenewError(
    ErrorCode.TokenUnreadable,
    'The kept token cannot be read: SECRET_ENCRYPTION_KEY changed since it was kept. ' +
      'Renew again, or restore the old key.',
    { cause },
  );
}
