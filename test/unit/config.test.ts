import { loadStarterConfig } from '../../starter/config';
import { loadWorkerConfig } from '../../worker/config';

describe('configuration', () => {
  it('has working defaults', () => {
    const config = loadWorkerConfig({});
    expect(config.analysis.tierMaxSeconds).toEqual({ free: 600, standard: 14_400 });
    expect(config.analysis.acceptedKinds).toEqual(['video']);
    expect(loadStarterConfig({}).incomingPrefix).toBe('incoming/');
  });

  it('parses lists and name=value pairs', () => {
    const config = loadWorkerConfig({ REELSCOPE_TIER_MAX_SECONDS: 'free=60, pro=7200', REELSCOPE_ACCEPTED_KINDS: 'video,audio' });
    expect(config.analysis.tierMaxSeconds).toEqual({ free: 60, pro: 7200 });
    expect(config.analysis.acceptedKinds).toEqual(['video', 'audio']);
  });

  it('names each bad variable and the expected form', () => {
    const load = () => loadWorkerConfig({ REELSCOPE_MODERATION_THRESHOLD: '7', REELSCOPE_TIER_MAX_SECONDS: 'free' });
    expect(load).toThrow(/REELSCOPE_MODERATION_THRESHOLD: Too big: expected number to be <=1/);
    expect(load).toThrow(/REELSCOPE_TIER_MAX_SECONDS: expected name=value pairs separated by commas, got "free"/);
    expect(() => loadStarterConfig({ REELSCOPE_INCOMING_PREFIX: 'incoming' })).toThrow(/REELSCOPE_INCOMING_PREFIX: a key prefix ending in "\/"/);
  });

  it('reads worker tuning and operations endpoints, leaving the SDK defaults where unset', () => {
    expect(loadWorkerConfig({}).tuning).toEqual({ maxConcurrentActivities: 4, shutdownGraceSeconds: 25 });
    const config = loadWorkerConfig({
      REELSCOPE_MAX_CONCURRENT_ACTIVITIES: '50',
      REELSCOPE_MAX_CONCURRENT_WORKFLOW_TASKS: '20',
      REELSCOPE_MAX_CACHED_WORKFLOWS: '0',
      REELSCOPE_METRICS_BIND_ADDRESS: '0.0.0.0:9464',
      REELSCOPE_HEALTH_PORT: '8080',
    });
    expect(config.tuning).toEqual({ maxConcurrentActivities: 50, maxConcurrentWorkflowTasks: 20, maxCachedWorkflows: 0, shutdownGraceSeconds: 25 });
    expect(config).toMatchObject({ metricsBindAddress: '0.0.0.0:9464', healthPort: 8080 });
    expect(() => loadWorkerConfig({ REELSCOPE_METRICS_BIND_ADDRESS: '9464' })).toThrow(/REELSCOPE_METRICS_BIND_ADDRESS: host:port/);
    expect(() => loadWorkerConfig({ REELSCOPE_SHUTDOWN_GRACE_SECONDS: '300' })).toThrow(/REELSCOPE_SHUTDOWN_GRACE_SECONDS/);
  });

  it('reads the aws backend: quotas, price overrides on top of the list prices, a fixed or identified language', () => {
    const config = loadWorkerConfig({
      REELSCOPE_BACKEND: 'aws',
      REELSCOPE_QUOTA_REKOGNITION_VIDEO: '40',
      REELSCOPE_PRICES: 'transcribe=0.015, bedrock.output=15',
      REELSCOPE_TRANSCRIBE_LANGUAGE: 'de-DE',
    });
    expect(config.backend).toBe('aws');
    expect(config.quotas).toEqual({ 'rekognition-video': 40, transcribe: 100 });
    expect(config.prices.transcribePerMinute).toBe(0.015);
    expect(config.prices.bedrockPerMillionTokens).toEqual({ input: 1, output: 15 });
    expect(config.prices.rekognitionPerMinute.LabelDetection).toBe(0.1);
    expect(config.awsBackend.transcribe.languageCode).toBe('de-DE');
    expect(loadWorkerConfig({}).awsBackend.transcribe.languageCode).toBeUndefined();
    expect(() => loadWorkerConfig({ REELSCOPE_PRICES: 'rekognition.Faces=1' })).toThrow(/REELSCOPE_PRICES: price names are/);
  });

  it('refuses Transcribe languages the service would refuse, naming the variable and the value', () => {
    // Act
    const load = (env: Record<string, string>) => () => loadWorkerConfig({ REELSCOPE_BACKEND: 'aws', ...env });

    // Assert
    expect(load({ REELSCOPE_TRANSCRIBE_LANGUAGE: 'en' })).toThrow(/REELSCOPE_TRANSCRIBE_LANGUAGE: "en" is not a Transcribe language code; expected one like en-US/);
    expect(load({ REELSCOPE_TRANSCRIBE_LANGUAGE: 'xx-YY' })).toThrow(/REELSCOPE_TRANSCRIBE_LANGUAGE: "xx-YY" is not a Transcribe language code/);
    expect(load({ REELSCOPE_TRANSCRIBE_LANGUAGE_OPTIONS: 'en-US, de' })).toThrow(/REELSCOPE_TRANSCRIBE_LANGUAGE_OPTIONS\.1: "de" is not a Transcribe language code/);
    expect(load({ REELSCOPE_TRANSCRIBE_LANGUAGE_OPTIONS: ' , ' })).toThrow(/REELSCOPE_TRANSCRIBE_LANGUAGE_OPTIONS/);
    expect(loadWorkerConfig({ REELSCOPE_TRANSCRIBE_LANGUAGE: 'pt-BR', REELSCOPE_TRANSCRIBE_LANGUAGE_OPTIONS: 'ja-JP,ko-KR' }).awsBackend.transcribe).toMatchObject({ languageCode: 'pt-BR', languageOptions: ['ja-JP', 'ko-KR'] });
  });

  it('refuses a default tenant that could not be a tenant segment of a key, such as one with a space or a slash', () => {
    // Act
    const load = (tenant: string) => () => loadStarterConfig({ REELSCOPE_DEFAULT_TENANT: tenant });

    // Assert
    expect(load('acme corp')).toThrow(/REELSCOPE_DEFAULT_TENANT: a tenant id: letters, digits, "-" and "_"/);
    expect(load('acme/eu')).toThrow(/REELSCOPE_DEFAULT_TENANT/);
    expect(load('-acme')).toThrow(/REELSCOPE_DEFAULT_TENANT/);
    expect(load('a'.repeat(64))).toThrow(/REELSCOPE_DEFAULT_TENANT/);
    expect(loadStarterConfig({ REELSCOPE_DEFAULT_TENANT: 'acme_eu-1' }).defaultTenant).toBe('acme_eu-1');
  });

  it('turns keyframe sampling on only when its interval is set, with an image price of its own', () => {
    const config = loadWorkerConfig({ REELSCOPE_KEYFRAME_SAMPLING_SECONDS: '2.5', REELSCOPE_PRICES: 'rekognition.image=0.0008' });
    expect(config.awsBackend.keyframeSampling).toEqual({ intervalSeconds: 2.5, maxFrames: 720 });
    expect(config.prices.rekognitionPerImage).toBe(0.0008);
    expect(loadWorkerConfig({}).awsBackend.keyframeSampling).toBeUndefined();
    expect(() => loadWorkerConfig({ REELSCOPE_KEYFRAME_SAMPLING_SECONDS: '0' })).toThrow(/REELSCOPE_KEYFRAME_SAMPLING_SECONDS/);
  });
});
