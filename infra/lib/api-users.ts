import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ROLES } from '../../auth/caller';
import { acknowledge } from './acknowledge';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface ApiUsersProps {
  /** Where the portal is served (the HTTP API's URL, no trailing slash): sign-in returns there. */
  portalOrigin: string;
  /** The hosted UI's prefix domain, unique in the region. */
  domainPrefix: string;
}

/** What the portal asks for at sign-in (REELSCOPE_AUTH_SCOPES), and all the app client allows. */
export const PORTAL_SCOPES = ['openid', 'email', 'profile'] as const;

/** The custom attribute holding the user's tenant (`custom:tenant` in tokens and the CLI). */
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

    // Access tokens carry no custom attributes: the trigger copies the tenant in (Essentials and Plus allow it).
    this.userPool.addTrigger(cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, tenantClaimTrigger(this), cognito.LambdaVersion.V2_0);

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
        scopes: PORTAL_SCOPES.map((scope) => cognito.OAuthScope.custom(scope)),
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

/** infra/functions/pre-token-generation.ts with a role that may only write its own logs. */
function tenantClaimTrigger(scope: Construct): NodejsFunction {
  const logGroup = new logs.LogGroup(scope, 'TenantClaimLogs', { retention: logs.RetentionDays.ONE_MONTH });
  const role = new iam.Role(scope, 'TenantClaimRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
  return new NodejsFunction(scope, 'TenantClaim', {
    entry: path.join(REPO_ROOT, 'infra', 'functions', 'pre-token-generation.ts'),
    handler: 'handler',
    projectRoot: REPO_ROOT,
    depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: 256,
    // Cognito waits 5 s for a trigger before failing the sign-in.
    timeout: Duration.seconds(5),
    role,
    logGroup,
    bundling: { format: OutputFormat.CJS, target: 'node24', minify: true, externalModules: [] },
  });
}
