import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { handler, TENANT_CLAIM } from '../../infra/functions/pre-token-generation';

/** A hosted-UI sign-in as Cognito hands it to a version 2 pre-token-generation trigger. */
function signInEvent(userAttributes: Record<string, string>): PreTokenGenerationV2TriggerEvent {
  return {
    version: '2',
    triggerSource: 'TokenGeneration_HostedAuth',
    region: 'eu-west-1',
    userPoolId: 'eu-west-1_Abc123xyz',
    userName: 'c1b2a3d4-0000-4000-8000-000000000001',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: '4h57kdsv8f0n2r6tq1example' },
    request: {
      userAttributes: { sub: 'c1b2a3d4-0000-4000-8000-000000000001', email: 'ana@acme.example', email_verified: 'true', 'cognito:user_status': 'CONFIRMED', ...userAttributes },
      groupConfiguration: { groupsToOverride: ['uploader'], iamRolesToOverride: [], preferredRole: null },
      scopes: ['openid', 'email', 'profile'],
    },
    response: { claimsAndScopeOverrideDetails: null },
  } as unknown as PreTokenGenerationV2TriggerEvent;
}

describe('pre-token-generation trigger', () => {
  it('puts the user\'s tenant into the access and ID tokens under the claim the API reads', async () => {
    // Act
    const event = await handler(signInEvent({ 'custom:tenant': 'acme' }));

    // Assert
    const expected = { claimsToAddOrOverride: { [TENANT_CLAIM]: 'acme' } };
    expect(event.response.claimsAndScopeOverrideDetails).toEqual({ accessTokenGeneration: expected, idTokenGeneration: expected });
    expect(TENANT_CLAIM).toBe('tenant');
  });

  it('adds nothing for a user without a tenant, so the API refuses their tokens', async () => {
    // Act
    const event = await handler(signInEvent({}));

    // Assert
    expect(event.response.claimsAndScopeOverrideDetails).toBeNull();
  });
});
