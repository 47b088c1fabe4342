import type { FakeAws } from './index';

/**
 * The environment that points a worker's AWS clients at the fake, with polling quick enough
 * for tests; `overrides` adds or replaces variables per suite.
 */
export function awsBackendEnv(fake: FakeAws, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    REELSCOPE_BACKEND: 'aws',
    REELSCOPE_REKOGNITION_ENDPOINT: fake.endpoint,
    REELSCOPE_TRANSCRIBE_ENDPOINT: fake.endpoint,
    REELSCOPE_BEDROCK_ENDPOINT: fake.bedrockEndpoint,
    REELSCOPE_EVENTBRIDGE_ENDPOINT: fake.endpoint,
    REELSCOPE_EVENT_BUS: 'reelscope',
    REELSCOPE_POLL_INITIAL_MS: '100',
    REELSCOPE_POLL_MAX_MS: '300',
    ...overrides,
  };
}
