import { loadIntakeConfig, reviewPolicyFor } from '../../intake/config';
import { canonicalTenant } from '../../intake/media-identity';
import { admitUpload } from '../../intake/upload-filter';

describe('tenant identity', () => {
  it('has one spelling: a key under incoming/ACME/ belongs to tenant acme', () => {
    expect(canonicalTenant('ACME')).toBe('acme');
    expect(admitUpload({ key: 'incoming/ACME/clip.mp4', sizeBytes: 10 }, loadIntakeConfig({}))).toEqual({ ok: true, tenant: 'acme' });
    expect(canonicalTenant('ac me')).toBeUndefined();
  });

  it('finds the tenant\'s tier and review policy whatever the spelling of key or setting', () => {
    // Arrange
    const config = loadIntakeConfig({ REELSCOPE_TENANT_TIERS: 'Acme=free', REELSCOPE_REVIEW_TENANTS: 'ACME', REELSCOPE_DEFAULT_TENANT: 'Solo' });

    // Act
    const admission = admitUpload({ key: 'incoming/AcMe/clip.mp4', sizeBytes: 10 }, config);

    // Assert
    expect(admission).toEqual({ ok: true, tenant: 'acme' });
    expect(config.tenantTiers).toEqual({ acme: 'free' });
    expect(reviewPolicyFor(config, 'acme')).toBeDefined();
    expect(config.defaultTenant).toBe('solo');
  });

  it('fails closed at start on a tenant setting no key could match, instead of never applying it', () => {
    expect(() => loadIntakeConfig({ REELSCOPE_REVIEW_TENANTS: 'acme, acme corp' })).toThrow(/REELSCOPE_REVIEW_TENANTS[\s\S]*got "acme corp"/);
    expect(() => loadIntakeConfig({ REELSCOPE_TENANT_TIERS: 'acme/eu=free' })).toThrow(/REELSCOPE_TENANT_TIERS[\s\S]*got "acme\/eu"/);
    expect(loadIntakeConfig({ REELSCOPE_REVIEW_TENANTS: '*' }).review.tenants).toEqual(['*']);
  });
});
