import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { PayloadKeyring } from './payload-keyring';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
export const CIPHER_METADATA = 'encryption-cipher';
const CIPHER = 'AES-256-GCM';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

/**
 * Encrypts whole payloads (metadata included, so not even the encoding or the type leaks) with
 * AES-256-GCM under the keyring's active key. The key id travels in clear metadata so a worker
 * holding several keys decrypts histories written before a rotation; it is also the GCM
 * additional data, so relabelling a payload with another key id fails authentication.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(private readonly keyring: PayloadKeyring) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const keyId = this.keyring.activeKeyId;
    const key = this.keyring.keyFor(keyId)!;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(keyId, 'utf8'));
      const plaintext = temporal.api.common.v1.Payload.encode(payload).finish();
      const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING),
          [KEY_ID_METADATA]: utf8(keyId),
          [CIPHER_METADATA]: utf8(CIPHER),
        },
        data: Buffer.concat([iv, ciphertext, cipher.getAuthTag()]),
      };
    });
  }

  /** Payloads written before encryption was switched on pass through unchanged. */
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (text(payload.metadata?.[METADATA_ENCODING_KEY]) !== ENCRYPTED_ENCODING) return payload;
      const keyId = text(payload.metadata?.[KEY_ID_METADATA]);
      const cipherName = text(payload.metadata?.[CIPHER_METADATA]);
      if (cipherName !== undefined && cipherName !== CIPHER) throw new Error(`encrypted payload uses cipher ${cipherName}; this codec reads ${CIPHER}`);
      if (!keyId) throw new Error('encrypted payload has no encryption-key-id');
      const key = this.keyring.keyFor(keyId);
      // The missing id is in the payload's clear metadata anyway; the ids held are not repeated,
      // since this message can reach a workflow task failure or a caller.
      if (!key) throw new Error(`encrypted payload needs key "${keyId}", which is not in this keyring`);
      const data = Buffer.from(payload.data ?? []);
      if (data.length < IV_BYTES + TAG_BYTES) throw new Error('encrypted payload is too short to hold an IV and an authentication tag');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(keyId, 'utf8'));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      let plaintext: Buffer;
      try {
        plaintext = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new Error(`encrypted payload failed authentication with key "${keyId}": it was altered or encrypted with different key material`);
      }
      return temporal.api.common.v1.Payload.decode(plaintext);
    });
  }
}
