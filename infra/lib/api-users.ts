import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ROLES } from '../../auth/caller';
import { acknowledge } from './acknowledge';

export interface ApiUsersProps {
  /** Where the portal is served (the HTTP API's URL, no trailing slash): sign-in returns there. */
  portalOrigin: string;
  /** The hosted UI's prefix domain, unique in the region. */
  domainPrefix: string;
}

/** The claim the API reads the tenant from (REELSCOPE_AUTH_TENANT_CLAIM's default). */
export const TENANT_ATTRIBUTE = 'tenant';

/**
 * The people who use the API and the portal. Operators create every user (no self sign-up)
 * with a tenant that can never change afterwards and put them in the groups the API reads as
 * roles (`cognito:groups`). The portal signs in through the hosted UI with the authorization
 * code flow and PKCE: a browser cannot keep a client secret, so the client has none.
 */
export class ApiUsers extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly domain: cognito.UserPoolDomain;

  constructor(scope: Construct, id: string, props: ApiUsersProps) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'Pool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      // Immutable: a user moved to another tenant is a new user, so no token ever names two tenants.
      customAttributes: { [TENANT_ATTRIBUTE]: new cognito.StringAttribute({ minLen: 1, maxLen: 63, mutable: false }) },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // Authenticator apps only: SMS would need an SNS role and a spend limit, and is the weaker factor.
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(this.userPool, {
      id: 'AwsSolutions-COG8',
      reason: 'Essentials, not Plus: Plus adds threat protection at a per-user monthly price; here every user is created by an operator (no self sign-up) and must pass TOTP MFA, which is what threat protection would otherwise compensate for.',
    });

    for (const role of ROLES) {
      new cognito.CfnUserPoolGroup(this, `Group-${role}`, { userPoolId: this.userPool.userPoolId, groupName: role, description: `reelscope API role ${role}` });
    }

    const portalUrl = `${props.portalOrigin}/`;
    this.client = this.userPool.addClient('Portal', {
      generateSecret: false,
      // No password flows: sign-in happens in the hosted UI only, where MFA is enforced.
      authFlows: { user: false, userPassword: false, userSrp: false, adminUserPassword: false, custom: false },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [portalUrl],
        logoutUrls: [portalUrl],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
      readAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: true, emailVerified: true }).withCustomAttributes(TENANT_ATTRIBUTE),
      // The tenant is not among them: only an operator (admin API) sets it, once.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: true }),
    });

    this.domain = this.userPool.addDomain('HostedUi', { cognitoDomain: { domainPrefix: props.domainPrefix } });
  }

  /** The token issuer (`iss`) the API checks: the same URL the gateway's user pool authorizer builds. */
  get issuer(): string {
    return `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`;
  }
}
