import { describe, expect, it } from 'vitest';
import { assertWebhookTarget, isPrivateAddress } from './webhook-target';

describe('webhook target policy (SSRF guard)', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1'])(
    'treats %s as non-public',
    (address) => expect(isPrivateAddress(address)).toBe(true),
  );

  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111'])('treats %s as public', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });

  it('refuses loopback, metadata and private targets unless allowed', async () => {
    for (const url of ['http://127.0.0.1:8080/hook', 'http://169.254.169.254/latest', 'http://[::1]/x', 'http://localhost/hook']) {
      await expect(assertWebhookTarget(url)).rejects.toMatchObject({ code: 'AGENTRY_WEBHOOK_TARGET_REFUSED' });
    }
    await expect(assertWebhookTarget('http://127.0.0.1:8080/hook', { allowPrivateTargets: true })).resolves.toBeInstanceOf(URL);
  });

  it('refuses non-http schemes and credentials in the URL even when private targets are allowed', async () => {
    await expect(assertWebhookTarget('file:///etc/passwd', { allowPrivateTargets: true })).rejects.toMatchObject({ code: 'AGENTRY_WEBHOOK_TARGET_REFUSED' });
    await expect(assertWebhookTarget('http://user:pw@127.0.0.1/', { allowPrivateTargets: true })).rejects.toThrow(/credentials/);
  });

  it('accepts a public IP literal', async () => {
    await expect(assertWebhookTarget('https://8.8.8.8/hook')).resolves.toBeInstanceOf(URL);
  });
});
