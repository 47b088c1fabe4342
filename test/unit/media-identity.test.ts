import { checkIncomingKey, decodeEventKey, mediaIdFor, workflowIdFor } from '../../intake/media-identity';

describe('checkIncomingKey', () => {
  it.each([
    ['incoming/acme/clip.mp4', 'acme'],
    ['incoming/tenant_2/sub/dir/My Clip (1).mov', 'tenant_2'],
    ['incoming/acme/日本語 café.mp4', 'acme'],
  ])('accepts %s as tenant %s', (key, tenant) => {
    expect(checkIncomingKey(key, 'incoming/')).toEqual({ ok: true, tenant });
  });

  it.each([
    ['uploads/acme/clip.mp4', /outside/],
    ['incoming/clip.mp4', /<tenant>\/<file>/],
    ['incoming/acme/../other/clip.mp4', /"\.\."/],
    ['incoming//clip.mp4', /empty/],
    ['incoming/ac me/clip.mp4', /not a valid tenant/],
    ['incoming/acme/bad\u0007name.mp4', /control/],
    ['incoming/acme/clip\u009bname.mp4', /control/],
    ['incoming/acme/evil\u202egnp.mp4', /bidirectional/],
    ['incoming/acme/a\u2066b\u2069.mp4', /bidirectional/],
  ])('refuses %s', (key, reason) => {
    const check = checkIncomingKey(key, 'incoming/');
    expect(check.ok).toBe(false);
    expect(check.ok ? '' : check.reason).toMatch(reason);
  });
});

describe('media identity', () => {
  it('decodes S3 event keys: + for space, %XX and unicode', () => {
    expect(decodeEventKey('incoming/acme/Happy+Face%20%28final%29.mp4')).toBe('incoming/acme/Happy Face (final).mp4');
    expect(decodeEventKey('incoming/acme/caf%C3%A9.mp4')).toBe('incoming/acme/café.mp4');
  });

  it('derives the same id for the same upload and a new one for a new version', () => {
    const source = { bucket: 'b', key: 'incoming/acme/a.mp4', etag: '"abc"' };
    expect(mediaIdFor(source)).toBe(mediaIdFor({ ...source, etag: 'abc' }));
    expect(mediaIdFor(source)).not.toBe(mediaIdFor({ ...source, etag: 'abd' }));
    expect(workflowIdFor(mediaIdFor(source))).toMatch(/^media-[0-9a-f]{24}$/);
  });

  it('pins a versioned object by its version id, not its etag', () => {
    // Arrange: re-uploading the same bytes makes a new version with the same etag.
    const v1 = { bucket: 'b', key: 'incoming/acme/a.mp4', etag: 'abc', versionId: 'v1' };
    const v2 = { ...v1, versionId: 'v2' };

    // Act
    const id = mediaIdFor(v1);

    // Assert
    expect(mediaIdFor(v2)).not.toBe(id);
    // A delivery of the same version carrying another etag form (multipart, quoted) is the same upload.
    expect(mediaIdFor({ ...v1, etag: '"d41d8cd98f00b204e9800998ecf8427e-3"' })).toBe(id);
    expect(mediaIdFor({ bucket: 'b', key: 'incoming/acme/a.mp4', versionId: 'v1' })).toBe(id);
    expect(id).not.toBe(mediaIdFor({ bucket: 'b', key: 'incoming/acme/a.mp4', etag: 'abc' }));
  });
});
