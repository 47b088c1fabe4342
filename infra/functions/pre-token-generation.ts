import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';

/** The user attribute operators set once per user (infra/lib/api-users.ts). */
const TENANT_ATTRIBUTE = 'custom:tenant';
/** The claim the API reads the tenant from on Cognito (REELSCOPE_AUTH_TENANT_CLAIM in the stack). */
export const TENANT_CLAIM = 'tenant';

/**
 * Cognito pre-token-generation trigger (event version 2): copies the user's tenant into the
 * access token, which otherwise carries no custom attributes, and into the ID token under the
 * same name, so the API reads one claim from either. The portal sends the access token; the
 * roles are already there as `cognito:groups`. A user without a tenant gets tokens without
 * one, which the API refuses: nothing here invents a tenant.
 */
export async function handler(event: PreTokenGenerationV2TriggerEvent): Promise<PreTokenGenerationV2TriggerEvent> {
  const tenant = event.request.userAttributes[TENANT_ATTRIBUTE];
  if (!tenant) return event;
  const claims = { claimsToAddOrOverride: { [TENANT_CLAIM]: tenant } };
  event.response = { claimsAndScopeOverrideDetails: { accessTokenGeneration: claims, idTokenGeneration: claims } };
  return event;
}
