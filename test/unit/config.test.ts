import { loadIntakeConfig } from '../../intake/config';
import { loadWorkerConfig } from '../../worker/config';

describe('configuration', () => {
  it('has working defaults', () => {
    const config = loadWorkerConfig({});
    expect(config.analysis.tierMaxSeconds).toEqual({ free: 600, standard: 14_400 });
    expect(config.analysis.acceptedKinds).toEqual(['video']);
    expect(loadIntakeConfig({}).incomingPrefix).toBe('incoming/');
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
    expect(() => loadIntakeConfig({ REELSCOPE_INCOMING_PREFIX: 'incoming' })).toThrow(/REELSCOPE_INCOMING_PREFIX: a key prefix ending in "\/"/);
  });

  it('reads worker tuning and operations endpoints, leaving the SDK defaults where unset, the sticky cache aside', () => {
    expect(loadWorkerConfig({}).tuning).toEqual({ maxConcurrentActivities: 4, maxCachedWorkflows: 600, shutdownGraceSeconds: 25 });
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
    const load = (tenant: string) => () => loadIntakeConfig({ REELSCOPE_DEFAULT_TENANT: tenant });

    // Assert
    expect(load('acme corp')).toThrow(/REELSCOPE_DEFAULT_TENANT: a tenant id: letters, digits, "-" and "_"/);
    expect(load('acme/eu')).toThrow(/REELSCOPE_DEFAULT_TENANT/);
    expect(load('-acme')).toThrow(/REELSCOPE_DEFAULT_TENANT/);
    expect(load('a'.repeat(64))).toThrow(/REELSCOPE_DEFAULT_TENANT/);
    expect(loadIntakeConfig({ REELSCOPE_DEFAULT_TENANT: 'acme_eu-1' }).defaultTenant).toBe('acme_eu-1');
  });

  it('refuses a Bedrock model id of no Bedrock form on the aws backend', () => {
    // Act
    const load = (id: string) => () => loadWorkerConfig({ REELSCOPE_BACKEND: 'aws', AWS_REGION: 'us-east-1', REELSCOPE_BEDROCK_MODEL_ID: id });

    // Assert
    for (const id of ['claude haiku', 'anthropic', 'Anthropic.Claude-3-Haiku', 'us.anthropic.claude/haiku']) {
      expect(load(id)).toThrow(/REELSCOPE_BEDROCK_MODEL_ID: ".*" is not a Bedrock model id: expected provider\.model\[:version\]/);
    }
    expect(loadWorkerConfig({ REELSCOPE_BACKEND: 'aws', REELSCOPE_BEDROCK_MODEL_ID: 'amazon.nova-lite-v1:0' }).bedrock.modelId).toBe('amazon.nova-lite-v1:0');
  });

  it("invokes the default model through the inference profile of the Bedrock region's geography", () => {
    // Act
    const model = (env: Record<string, string>) => loadWorkerConfig({ REELSCOPE_BACKEND: 'aws', ...env }).bedrock.modelId;

    // Assert
    expect(model({})).toBe('us.anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(model({ AWS_REGION: 'eu-central-1' })).toBe('eu.anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(model({ AWS_REGION: 'ap-northeast-3' })).toBe('jp.anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(model({ AWS_REGION: 'ap-southeast-4' })).toBe('au.anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(model({ AWS_REGION: 'ap-south-1' })).toBe('apac.anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(model({ AWS_REGION: 'ca-central-1' })).toBe('us.anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(model({ AWS_REGION: 'me-central-1' })).toBe('global.anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(model({ AWS_REGION: 'eu-west-1', REELSCOPE_BEDROCK_REGION: 'us-west-2' })).toBe('us.anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(() => model({ AWS_REGION: 'us-gov-west-1' })).toThrow(/REELSCOPE_BEDROCK_MODEL_ID: no default inference profile for us-gov-west-1/);
  });

  it('refuses an inference profile the Bedrock region cannot call, and says which one it can', () => {
    // Act
    const load = (env: Record<string, string>) => () => loadWorkerConfig({ REELSCOPE_BACKEND: 'aws', ...env });

    // Assert
    expect(load({ AWS_REGION: 'eu-west-1', REELSCOPE_BEDROCK_MODEL_ID: 'us.anthropic.claude-haiku-4-5-20251001-v1:0' })).toThrow(
      /REELSCOPE_BEDROCK_MODEL_ID: "us\.anthropic\.claude-haiku-4-5-20251001-v1:0" is a us\. inference profile, which Bedrock serves only to callers in the US \(us-\*\) and ca-central-1; from eu-west-1 use eu\.anthropic\.claude-haiku-4-5-20251001-v1:0/,
    );
    expect(load({ AWS_REGION: 'us-east-1', REELSCOPE_BEDROCK_MODEL_ID: 'jp.anthropic.claude-haiku-4-5-20251001-v1:0' })).toThrow(/is a jp\. inference profile/);
    expect(load({ AWS_REGION: 'us-east-1', REELSCOPE_BEDROCK_REGION: 'eu-west-3', REELSCOPE_BEDROCK_MODEL_ID: 'us.amazon.nova-lite-v1:0' })).toThrow(/from eu-west-3 use eu\.amazon\.nova-lite-v1:0/);
    expect(load({ AWS_REGION: 'us-east-1', REELSCOPE_BEDROCK_MODEL_ID: 'arn:aws:bedrock:eu-west-1:111122223333:inference-profile/eu.amazon.nova-lite-v1:0' })).toThrow(/is in eu-west-1, but Bedrock is called in us-east-1/);
    expect(loadWorkerConfig({ REELSCOPE_BACKEND: 'aws', AWS_REGION: 'eu-west-1', REELSCOPE_BEDROCK_MODEL_ID: 'global.anthropic.claude-haiku-4-5-20251001-v1:0' }).bedrock.modelId).toBe('global.anthropic.claude-haiku-4-5-20251001-v1:0');
    // The local backend never calls Bedrock: its region is no reason to refuse a start.
    expect(loadWorkerConfig({ AWS_REGION: 'eu-west-1', REELSCOPE_BEDROCK_MODEL_ID: 'us.anthropic.claude-haiku-4-5-20251001-v1:0' }).backend).toBe('local');
  });

  it('turns keyframe sampling on only when its interval is set, with an image price of its own', () => {
    const config = loadWorkerConfig({ REELSCOPE_KEYFRAME_SAMPLING_SECONDS: '2.5', REELSCOPE_PRICES: 'rekognition.image=0.0008' });
    expect(config.awsBackend.keyframeSampling).toEqual({ intervalSeconds: 2.5, maxFrames: 720 });
    expect(config.prices.rekognitionPerImage).toBe(0.0008);
    expect(loadWorkerConfig({}).awsBackend.keyframeSampling).toBeUndefined();
    expect(() => loadWorkerConfig({ REELSCOPE_KEYFRAME_SAMPLING_SECONDS: '0' })).toThrow(/REELSCOPE_KEYFRAME_SAMPLING_SECONDS/);
  });
});
