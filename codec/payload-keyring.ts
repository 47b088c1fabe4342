/**
 * The AES-256 keys a deployment can decrypt with, by id, and the one it encrypts with.
 * Rotation is by id: add the new key first in the list (it becomes active), keep the old ones
 * for as long as histories encrypted with them must stay readable.
 */
export interface PayloadKeyring {
  readonly activeKeyId: string;
  keyFor(keyId: string): Buffer | undefined;
  readonly keyIds: readonly string[];
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const AES_256_KEY_BYTES = 32;

/**
 * Parses `id:base64key,id:base64key`. Errors name the entry by id or position and never echo
 * key material, because they end up in logs.
 */
export function parseKeyring(spec: string, activeKeyId?: string): PayloadKeyring {
  const keys = new Map<string, Buffer>();
  const entries = spec.split(',').map((entry) => entry.trim()).filter(Boolean);
  if (entries.length === 0) throw new Error('the payload keyring is empty: expected id:base64key[,id:base64key...]');
  entries.forEach((entry, index) => {
    const separator = entry.indexOf(':');
    const keyId = separator > 0 ? entry.slice(0, separator) : '';
    if (!KEY_ID.test(keyId)) throw new Error(`payload key #${index + 1}: expected id:base64key with an id of 1-64 letters, digits, '.', '_' or '-'`);
    const material = entry.slice(separator + 1);
    const key = Buffer.from(material, 'base64');
    if (key.length !== AES_256_KEY_BYTES || key.toString('base64').replace(/=+$/, '') !== material.replace(/=+$/, '')) {
      throw new Error(`payload key "${keyId}": expected ${AES_256_KEY_BYTES} bytes in base64 (openssl rand -base64 32)`);
    }
    if (keys.has(keyId)) throw new Error(`payload key "${keyId}" is listed twice`);
    keys.set(keyId, key);
  });
  const active = activeKeyId ?? entries[0]!.slice(0, entries[0]!.indexOf(':'));
  if (!keys.has(active)) throw new Error(`the active payload key "${active}" is not in the keyring (ids: ${[...keys.keys()].join(', ')})`);
  return { activeKeyId: active, keyFor: (keyId) => keys.get(keyId), keyIds: [...keys.keys()] };
}
