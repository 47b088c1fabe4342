import { checkWebhookUrl, isPrivateAddress } from '../../notifications/webhook-target';

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1', '127.8.9.10', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0',
    '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fd00::1', 'fc00::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', 'not-an-address',
    '::ffff:7f00:1', '::127.0.0.1', '64:ff9b::7f00:1', '64:ff9b::10.0.0.1', '64:ff9b:1::808:808', '2002:7f00:1::1', 'fec0::1',
  ])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '192.169.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808', '64:ff9b::8.8.8.8'])('allows %s', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });
});

describe('checkWebhookUrl', () => {
  const production = { allowPrivate: false };
  it('takes https to a public name', () => {
    expect(() => checkWebhookUrl(new URL('https://hooks.example.com/reelscope'), production)).not.toThrow();
  });
  it('refuses plain http in production, allows it for local receivers', () => {
    expect(() => checkWebhookUrl(new URL('http://hooks.example.com/'), production)).toThrow(/https only/);
    expect(() => checkWebhookUrl(new URL('http://127.0.0.1:9000/'), { allowPrivate: true })).not.toThrow();
  });
  it('refuses credentials in the URL and literal private hosts, without quoting them', () => {
    expect(() => checkWebhookUrl(new URL('https://alice:secret@hooks.example.com/'), production)).toThrow(expect.objectContaining({ message: expect.not.stringMatching(/alice|secret/) }));
    expect(() => checkWebhookUrl(new URL('https://[fd00::5]/'), production)).toThrow(/private or loopback/);
    expect(() => checkWebhookUrl(new URL('https://192.168.0.10/'), production)).toThrow(/private or loopback/);
  });
});
