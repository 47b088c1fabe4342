import { loadApiConfig } from '../../api/config';
import { partLayout, partSizes } from '../../api/upload-policy';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
const REQUIRED = { REELSCOPE_AUTH_ISSUER: 'https://issuer.example', REELSCOPE_AUTH_CLIENT_ID: 'reelscope-test' };

describe('upload session length', () => {
  it('defaults to an hour', () => {
    // Act
    const config = loadApiConfig(REQUIRED);

    // Assert
    expect(config.uploads.sessionSeconds).toBe(3600);
  });

  it('takes up to 6 hours', () => {
    // Act
    const config = loadApiConfig({ ...REQUIRED, REELSCOPE_UPLOAD_SESSION_SECONDS: String(6 * 3600) });

    // Assert
    expect(config.uploads.sessionSeconds).toBe(6 * 3600);
  });

  it('refuses longer, naming the variable and why: URLs die with the signing credentials', () => {
    // Act
    const load = () => loadApiConfig({ ...REQUIRED, REELSCOPE_UPLOAD_SESSION_SECONDS: String(7 * 24 * 3600) });

    // Assert
    expect(load).toThrow(/REELSCOPE_UPLOAD_SESSION_SECONDS.*at most 21600.*temporary credentials/);
  });
});

describe('multipart layout', () => {
  const uploads = { ...loadApiConfig(REQUIRED).uploads, partBytes: 16 * MIB };

  it.each([
    ['100 MiB keeps the configured 16 MiB parts', 100 * MIB, 16 * MIB, 7],
    ['100 GiB grows the parts to whole MiB so 1,000 URLs cover it', 100 * GIB, 103 * MIB, 995],
    ['5 TiB, S3\'s largest object, takes 5 GiB parts, S3\'s largest', 5 * 1024 * GIB, 5 * GIB, 1024],
  ])('%s', (_what, sizeBytes, partBytes, partCount) => {
    // Act
    const layout = partLayout(sizeBytes, uploads, 1000);
    const sizes = partSizes(sizeBytes, layout!);

    // Assert
    expect(layout).toEqual({ partBytes, partCount });
    expect(sizes).toHaveLength(partCount);
    expect(sizes.reduce((sum, part) => sum + part.sizeBytes, 0)).toBe(sizeBytes);
    expect(sizes.slice(0, -1).every((part) => part.sizeBytes === partBytes)).toBe(true);
  });

  it('sends a size at or under the threshold as one PUT', () => {
    expect(partLayout(uploads.multipartThresholdBytes, uploads, 1000)).toBeUndefined();
  });
});
