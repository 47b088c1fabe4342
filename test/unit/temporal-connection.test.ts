import { randomBytes } from 'node:crypto';
import { InterceptingCall, type Interceptor } from '@grpc/grpc-js';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { isUnauthenticated, keepApiKeyFresh, loadTemporalSettings, type ApiKeyHolder, type SecretReader } from '../../common/temporal-connection';

const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';

const secrets = (values: Record<string, unknown>): SecretReader => async (id) => {
  if (!(id in values)) throw new Error(`ResourceNotFoundException: ${id}`);
  return typeof values[id] === 'string' ? values[id] : JSON.stringify(values[id]);
};

describe('loadTemporalSettings', () => {
  it('connects to a plain address (the dev server, a self-hosted cluster) without TLS', async () => {
    const settings = await loadTemporalSettings({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_NAMESPACE: 'media' });
    expect(settings.connectionOptions).toMatchObject({ address: 'temporal:7233' });
    expect(settings.connectionOptions.tls).toBeFalsy();
    expect(settings.namespace).toBe('media');
    expect(settings.dataConverter.payloadCodecs ?? []).toHaveLength(0);
  });

  it('reads a Temporal Cloud API key from the environment, with TLS on', async () => {
    const settings = await loadTemporalSettings({ TEMPORAL_ADDRESS: 'us-east-1.aws.api.temporal.io:7233', TEMPORAL_API_KEY: 'key-from-env' });
    expect(settings.connectionOptions).toMatchObject({ apiKey: 'key-from-env', tls: true });
  });

  it('reads an API key, address and namespace from a secret', async () => {
    const read = secrets({ 'temporal/cloud': { apiKey: 'key-from-secret', address: 'ns.acct.tmprl.cloud:7233', namespace: 'ns.acct' } });
    const settings = await loadTemporalSettings({ REELSCOPE_TEMPORAL_SECRET_ID: 'temporal/cloud' }, read);
    expect(settings.connectionOptions).toMatchObject({ address: 'ns.acct.tmprl.cloud:7233', apiKey: 'key-from-secret', tls: true });
    expect(settings.namespace).toBe('ns.acct');
  });

  it('reads an mTLS client certificate pair from a secret', async () => {
    const read = secrets({ mtls: { tlsCert: CERT, tlsKey: KEY } });
    const settings = await loadTemporalSettings({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', REELSCOPE_TEMPORAL_SECRET_ID: 'mtls' }, read);
    const tls = settings.connectionOptions.tls as { clientCertPair?: { crt: Uint8Array; key: Uint8Array } };
    expect(Buffer.from(tls.clientCertPair!.crt).toString()).toBe(CERT);
    expect(Buffer.from(tls.clientCertPair!.key).toString()).toBe(KEY);
  });

  it('names the fields of a malformed secret, never its values', async () => {
    const read = secrets({ bad: { apikey: 'do-not-print-me' }, text: 'not json' });
    const bad = loadTemporalSettings({ REELSCOPE_TEMPORAL_SECRET_ID: 'bad' }, read);
    await expect(bad).rejects.toThrow(/secret bad has neither an apiKey nor a tlsCert\/tlsKey pair \(fields: apikey\)/);
    await expect(loadTemporalSettings({ REELSCOPE_TEMPORAL_SECRET_ID: 'bad' }, read)).rejects.not.toThrow(/do-not-print-me/);
    await expect(loadTemporalSettings({ REELSCOPE_TEMPORAL_SECRET_ID: 'text' }, read)).rejects.toThrow(/secret text is not JSON/);
  });

  it('adds the payload codec when encryption keys are configured', async () => {
    const settings = await loadTemporalSettings({ REELSCOPE_CODEC_KEYS: `k1:${randomBytes(32).toString('base64')}` });
    expect(settings.dataConverter.payloadCodecs).toHaveLength(1);
  });

  it('takes the payload keys from REELSCOPE_CODEC_SECRET_ID, the keyring an env-configured process decrypts with', async () => {
    const keys = `k0:${randomBytes(32).toString('base64')},k1:${randomBytes(32).toString('base64')}`;
    const read: SecretReader = async (id) => (id === 'reelscope/codec' ? JSON.stringify({ keys, activeKey: 'k1' }) : 'unexpected');

    const fromSecret = await loadTemporalSettings({ REELSCOPE_CODEC_SECRET_ID: 'reelscope/codec' }, read);
    const fromEnv = await loadTemporalSettings({ REELSCOPE_CODEC_KEYS: keys });
    const [encoded] = await fromSecret.dataConverter.payloadCodecs![0]!.encode([{ data: Buffer.from('"hello"') }]);
    const [decoded] = await fromEnv.dataConverter.payloadCodecs![0]!.decode([encoded!]);

    expect(Buffer.from(encoded!.data!).includes('hello')).toBe(false);
    expect(Buffer.from(decoded!.data!).toString()).toBe('"hello"');
  });

  it('names the expected shape, never the value, when the codec secret is not a keyring', async () => {
    const read: SecretReader = async () => 'placeholder-do-not-print';

    const loading = loadTemporalSettings({ REELSCOPE_CODEC_SECRET_ID: 'reelscope/codec' }, read);

    await expect(loading).rejects.toThrow(/secret reelscope\/codec is not payload keys; expected \{"keys"/);
    await expect(loadTemporalSettings({ REELSCOPE_CODEC_SECRET_ID: 'reelscope/codec' }, read)).rejects.not.toThrow(/do-not-print/);
  });
});

describe('keepApiKeyFresh', () => {
  /** A Secrets Manager stand-in whose value can change, counting reads. */
  function rotatingSecret(apiKey: string) {
    const state = { value: JSON.stringify({ apiKey }), reads: 0 };
    const read: SecretReader = async () => {
      state.reads += 1;
      return state.value;
    };
    return { state, read, rotate: (next: unknown) => (state.value = typeof next === 'string' ? next : JSON.stringify(next)) };
  }

  /** A live connection as far as API keys go: records every key it is given. */
  const holder = () => {
    const keys: string[] = [];
    return { keys, setApiKey: async (key: string) => void keys.push(key) };
  };

  async function until(done: () => boolean, timeoutMs = 3_000): Promise<void> {
    for (const deadline = Date.now() + timeoutMs; !done(); ) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it('sets a rotated key from the secret on every live connection, on its schedule, and only when it changed', async () => {
    // Arrange
    const secret = rotatingSecret('key-1');
    const settings = await loadTemporalSettings({ REELSCOPE_TEMPORAL_SECRET_ID: 'temporal/cloud', TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', REELSCOPE_TEMPORAL_SECRET_REFRESH_SECONDS: '0.05' }, secret.read);
    const [worker, client] = [holder(), holder()];
    const rotated: string[] = [];

    // Act
    const refresh = keepApiKeyFresh(settings, secret.read, [worker, client], { onRotated: (id) => rotated.push(id) });
    await until(() => secret.state.reads >= 3);
    secret.rotate({ apiKey: 'key-2' });
    await until(() => client.keys.length > 0);
    const readsAtRotation = secret.state.reads;
    await until(() => secret.state.reads >= readsAtRotation + 2);
    refresh.stop();

    // Assert
    expect(settings.connectionOptions).toMatchObject({ apiKey: 'key-1' });
    expect(settings.apiKeySecret).toMatchObject({ secretId: 'temporal/cloud', refreshMs: 50 });
    expect(worker.keys).toEqual(['key-2']);
    expect(client.keys).toEqual(['key-2']);
    expect(rotated).toEqual(['temporal/cloud']);
  });

  it('re-reads the secret at once on Unauthenticated and retries the call once with the new key', async () => {
    // Arrange
    const secret = rotatingSecret('revoked');
    const settings = await loadTemporalSettings({ REELSCOPE_TEMPORAL_SECRET_ID: 's', REELSCOPE_TEMPORAL_SECRET_REFRESH_SECONDS: '0' }, secret.read);
    const connection = holder();
    const refresh = keepApiKeyFresh(settings, secret.read, [connection]);
    let key = 'revoked';
    connection.setApiKey = async (next: string) => void (key = next);
    const call = jest.fn(async () => {
      if (key === 'revoked') throw Object.assign(new Error('16 UNAUTHENTICATED: Request unauthorized.'), { code: 16 });
      return 'ok';
    });

    // Act
    secret.rotate({ apiKey: 'fresh' });
    const answer = await refresh.retryUnauthenticated(call);
    const stillRevoked = refresh.retryUnauthenticated(async () => Promise.reject(Object.assign(new Error('outer'), { cause: { code: 16 } })));

    // Assert
    expect(answer).toBe('ok');
    expect(call).toHaveBeenCalledTimes(2);
    await expect(stillRevoked).rejects.toThrow('outer');
    expect(secret.state.reads).toBe(3);
    expect(isUnauthenticated(Object.assign(new Error('x'), { code: 7 }))).toBe(false);
  });

  it('keeps the old key when a re-read fails, and reports it without the secret value', async () => {
    // Arrange
    const secret = rotatingSecret('key-1');
    const settings = await loadTemporalSettings({ REELSCOPE_TEMPORAL_SECRET_ID: 's', REELSCOPE_TEMPORAL_SECRET_REFRESH_SECONDS: '0.02' }, secret.read);
    const connection = holder();
    const errors: unknown[] = [];

    // Act
    secret.rotate({ apikey: 'do-not-print-me' });
    const refresh = keepApiKeyFresh(settings, secret.read, [connection], { onError: (err) => errors.push(err) });
    await until(() => errors.length >= 2);
    refresh.stop();

    // Assert
    expect(connection.keys).toEqual([]);
    expect(String(errors[0])).toMatch(/secret s has neither an apiKey nor a tlsCert\/tlsKey pair \(fields: apikey\)/);
    expect(errors.map(String).join('\n')).not.toContain('do-not-print-me');
  });

  it('has nothing to refresh when the key is not from a secret, and refuses a bad interval', async () => {
    // Arrange
    const settings = await loadTemporalSettings({ TEMPORAL_API_KEY: 'from-env', TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233' });
    const read = jest.fn(secrets({}));

    // Act
    const refresh = keepApiKeyFresh(settings, read, [holder()]);

    // Assert
    await expect(refresh.refresh()).resolves.toBe(false);
    expect(read).not.toHaveBeenCalled();
    refresh.stop();
    await expect(loadTemporalSettings({ REELSCOPE_TEMPORAL_SECRET_ID: 's', REELSCOPE_TEMPORAL_SECRET_REFRESH_SECONDS: 'often' }, secrets({ s: { apiKey: 'k' } }))).rejects.toThrow(
      /REELSCOPE_TEMPORAL_SECRET_REFRESH_SECONDS/,
    );
  });

  it('changes the Authorization header of a live client Connection, and a live NativeConnection takes the new key', async () => {
    // Arrange
    const address = process.env['TEMPORAL_ADDRESS'] as string;
    const sent: string[] = [];
    const recordAuthorization: Interceptor = (options, nextCall) =>
      new InterceptingCall(nextCall(options), {
        start(metadata, listener, next) {
          sent.push(String(metadata.get('authorization')[0] ?? ''));
          next(metadata, listener);
        },
      });
    const secret = rotatingSecret('key-1');
    const settings = await loadTemporalSettings({ REELSCOPE_TEMPORAL_SECRET_ID: 's', REELSCOPE_TEMPORAL_SECRET_REFRESH_SECONDS: '0' }, secret.read);
    // The dev server speaks plain gRPC: an API key would turn TLS on by default.
    const client = await Connection.connect({ address, apiKey: 'key-1', tls: false, interceptors: [recordAuthorization] });
    const worker = await NativeConnection.connect({ address, apiKey: 'key-1', tls: false }).catch(async (err: unknown) => {
      await client.close();
      throw err;
    });
    const holders: ApiKeyHolder[] = [client, worker];
    try {
      // Act
      await client.workflowService.getSystemInfo({});
      const before = [...sent];
      secret.rotate({ apiKey: 'key-2' });
      const refreshed = await keepApiKeyFresh(settings, secret.read, holders).refresh();
      await client.workflowService.getSystemInfo({});
      await worker.workflowService.getSystemInfo({});

      // Assert
      expect(refreshed).toBe(true);
      expect(new Set(before)).toEqual(new Set(['Bearer key-1']));
      expect(sent.slice(before.length)).toEqual(['Bearer key-2']);
    } finally {
      await client.close();
      await worker.close();
    }
  });
});
