import { randomBytes } from 'node:crypto';
import { loadTemporalSettings, type SecretReader } from '../../common/temporal-connection';

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
