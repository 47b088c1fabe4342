import { randomBytes } from 'node:crypto';
import { ApplicationFailure, defaultPayloadConverter, type Payload } from '@temporalio/common';
import {
  decodeOptionalFailureToOptionalError,
  encodeErrorToFailure,
  isLoadedDataConverter,
  loadDataConverter,
} from '@temporalio/common/lib/internal-non-workflow';
import { temporal } from '@temporalio/proto';
import { AesGcmPayloadCodec, KEY_ID_METADATA } from '../../codec/aes-gcm-payload-codec';
import { dataConverterFor } from '../../codec/codec-config';
import { parseKeyring } from '../../codec/payload-keyring';

const key = () => randomBytes(32).toString('base64');
const secretText = 'the transcript says something private';

describe('parseKeyring', () => {
  it('makes the first key active unless one is named', () => {
    const [k1, k2] = [key(), key()];
    expect(parseKeyring(`k2:${k2},k1:${k1}`).activeKeyId).toBe('k2');
    expect(parseKeyring(`k2:${k2}, k1:${k1}`, 'k1').activeKeyId).toBe('k1');
    expect(parseKeyring(`k2:${k2},k1:${k1}`).keyFor('k1')?.toString('base64')).toBe(k1);
  });

  it.each([
    ['', /empty/],
    ['nokey', /id:base64key/],
    ['bad id:' + key(), /id:base64key/],
    ['k1:' + randomBytes(16).toString('base64'), /expected 32 bytes/],
    ['k1:not*base64*at*all*not*base64*at*all*not*base64*', /expected 32 bytes/],
  ])('rejects %j without echoing key material', (spec, message) => {
    let thrown: unknown;
    try {
      parseKeyring(spec);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toMatch(message);
    const material = spec.split(':')[1];
    if (material) expect((thrown as Error).message).not.toContain(material);
  });

  it('rejects duplicate ids and an active id that is not listed', () => {
    const k = key();
    expect(() => parseKeyring(`k1:${k},k1:${key()}`)).toThrow(/listed twice/);
    expect(() => parseKeyring(`k1:${k}`, 'k9')).toThrow(/"k9" is not in the keyring/);
  });
});

describe('AesGcmPayloadCodec', () => {
  const plain = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);

  it('round-trips payloads and leaves no plaintext, encoding or type in what is stored', async () => {
    const codec = new AesGcmPayloadCodec(parseKeyring(`k1:${key()}`));
    const input = [plain({ transcript: secretText }), plain(null), plain(new Uint8Array([1, 2, 3]))];
    const encoded = await codec.encode(input);
    for (const payload of encoded) {
      const stored = Buffer.concat([Buffer.from(payload.data!), ...Object.values(payload.metadata!).map((v) => Buffer.from(v))]).toString('latin1');
      expect(stored).not.toContain('transcript');
      expect(stored).not.toContain('json/plain');
      expect(Buffer.from(payload.metadata!['encoding']!).toString()).toBe('binary/encrypted');
    }
    const decoded = await codec.decode(encoded);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([{ transcript: secretText }, null, new Uint8Array([1, 2, 3])]);
  });

  it('uses a fresh IV per payload, so equal values do not look equal', async () => {
    const codec = new AesGcmPayloadCodec(parseKeyring(`k1:${key()}`));
    const [a, b] = await codec.encode([plain('same'), plain('same')]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('reads payloads written under an older key after rotation, and writes under the new one', async () => {
    const [k1, k2] = [key(), key()];
    const before = new AesGcmPayloadCodec(parseKeyring(`k1:${k1}`));
    const after = new AesGcmPayloadCodec(parseKeyring(`k2:${k2},k1:${k1}`));
    const old = await before.encode([plain('written before rotation')]);
    expect(defaultPayloadConverter.fromPayload((await after.decode(old))[0]!)).toBe('written before rotation');
    const fresh = await after.encode([plain('written after')]);
    expect(Buffer.from(fresh[0]!.metadata![KEY_ID_METADATA]!).toString()).toBe('k2');
  });

  it('names the missing key id, and fails authentication on tampering or relabelling', async () => {
    const [k1, k2] = [key(), key()];
    const codec = new AesGcmPayloadCodec(parseKeyring(`k1:${k1},k2:${k2}`));
    const [encoded] = await codec.encode([plain(secretText)]);
    await expect(new AesGcmPayloadCodec(parseKeyring(`k2:${k2}`)).decode([encoded!])).rejects.toThrow(/needs key "k1"/);
    const tampered = Buffer.from(encoded!.data!);
    tampered[20] = tampered[20]! ^ 1;
    await expect(codec.decode([{ ...encoded!, data: tampered }])).rejects.toThrow(/failed authentication with key "k1"/);
    const relabelled = { ...encoded!, metadata: { ...encoded!.metadata, [KEY_ID_METADATA]: Buffer.from('k2') } };
    await expect(codec.decode([relabelled])).rejects.toThrow(/failed authentication with key "k2"/);
  });

  it('passes through payloads that were stored before encryption was turned on', async () => {
    const codec = new AesGcmPayloadCodec(parseKeyring(`k1:${key()}`));
    const clear = plain({ old: true });
    expect(await codec.decode([clear])).toEqual([clear]);
  });
});

describe('dataConverterFor', () => {
  it('adds the codec only when keys are configured', () => {
    expect(dataConverterFor({}).payloadCodecs ?? []).toHaveLength(0);
    expect(dataConverterFor({ REELSCOPE_CODEC_KEYS: `k1:${key()}` }).payloadCodecs).toHaveLength(1);
    expect(() => dataConverterFor({ REELSCOPE_CODEC_ACTIVE_KEY: 'k1' })).toThrow(/REELSCOPE_CODEC_KEYS is not/);
  });

  // A Worker loads the converter by path (it bundles it into workflows); a Client takes it loaded.
  it.each([
    ['a worker', (env: NodeJS.ProcessEnv) => loadDataConverter(dataConverterFor(env))],
    ['a client', (env: NodeJS.ProcessEnv) => {
      const converter = dataConverterFor(env);
      return isLoadedDataConverter(converter) ? converter : loadDataConverter(converter);
    }],
  ])('encrypts failure messages and stack traces for %s when keys are configured', async (_, load) => {
    // Arrange
    const converter = load({ REELSCOPE_CODEC_KEYS: `k1:${key()}` });
    const error = ApplicationFailure.nonRetryable('GET https://bucket.example/k?X-Amz-Signature=leaked-signature failed', 'AwsAccessDenied');

    // Act
    const failure = await encodeErrorToFailure(converter, error);
    const decoded = await decodeOptionalFailureToOptionalError(converter, failure);

    // Assert
    const stored = Buffer.from(temporal.api.failure.v1.Failure.encode(failure).finish());
    expect(stored.includes('leaked-signature')).toBe(false);
    expect(stored.includes(error.stack!.split('\n')[1]!.trim())).toBe(false);
    expect(failure).toMatchObject({ message: 'Encoded failure', stackTrace: '' });
    expect(Buffer.from(failure.encodedAttributes!.metadata!['encoding']!).toString()).toBe('binary/encrypted');
    expect(decoded).toMatchObject({ message: error.message, type: 'AwsAccessDenied', stack: error.stack });
  });
});
