import { parseWebhookTable, secretWebhookRegistry } from '../../notifications/webhook-registry';

const SECRET = `whsec_${Buffer.from('a test key of thirty-two bytes!!').toString('base64')}`;

describe('webhook table', () => {
  it('maps tenants, case-insensitively, to a URL and a secret', () => {
    const table = parseWebhookTable(JSON.stringify({ Acme: { url: 'https://hooks.example.com/a', secret: SECRET } }), 'test');
    expect(table.get('acme')).toEqual({ url: new URL('https://hooks.example.com/a'), secret: SECRET });
  });

  it('refuses a malformed table naming the tenant and field, never the URL or the secret', () => {
    const bad = JSON.stringify({ acme: { url: 'ftp://hooks.example.com/private-path', secret: 'whsec_short' }, globex: { url: 'https://x.example.com', secret: SECRET, extra: 1 } });
    let message = '';
    try {
      parseWebhookTable(bad, 'REELSCOPE_WEBHOOKS');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^REELSCOPE_WEBHOOKS: invalid webhook table: /);
    expect(message).toMatch(/acme\.url/);
    expect(message).toMatch(/acme\.secret/);
    expect(message).toMatch(/globex/);
    expect(message).not.toMatch(/private-path|whsec_short/);
    expect(() => parseWebhookTable('{not json', 'test')).toThrow('test: the webhook table is not JSON');
  });

  it('from a secret: read once per TTL, so a rotated secret applies without a restart', async () => {
    // Arrange
    let clock = 0;
    const reads: string[] = [];
    let current = { acme: { url: 'https://one.example.com/', secret: SECRET } };
    const registry = secretWebhookRegistry(async (id) => (reads.push(id), JSON.stringify(current)), 'reelscope/webhooks', 1000, () => clock);

    // Act
    const first = await registry.lookup('acme');
    current = { acme: { url: 'https://two.example.com/', secret: SECRET } };
    const cached = await registry.lookup('ACME');
    clock = 1000;
    const refreshed = await registry.lookup('acme');

    // Assert
    expect([first?.url.host, cached?.url.host, refreshed?.url.host]).toEqual(['one.example.com', 'one.example.com', 'two.example.com']);
    expect(reads).toEqual(['reelscope/webhooks', 'reelscope/webhooks']);
    expect(await registry.lookup('globex')).toBeUndefined();
  });
});
