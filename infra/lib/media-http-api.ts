import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from './acknowledge';

export interface MediaHttpApiProps {
  throttle: { ratePerSecond: number; burst: number };
}

/** Routes anyone may call: the contract, its docs, the health check and the portal's files. */
export const PUBLIC_ROUTES = ['/openapi.json', '/docs', '/healthz', '/', '/portal/assets/{name}', '/portal/config.json', '/favicon.ico'] as const;
/** Every API route: the gateway's JWT authorizer guards them, and the app verifies the token again. */
export const PROTECTED_ROUTE = '/v1/{proxy+}';

/**
 * The media API's HTTP API (payload format 2.0). Created before the function and the user
 * pool because both need its URL (the portal origin: sign-in callbacks, bucket CORS); the
 * routes come with {@link MediaHttpApi.serve}. Anything not routed is answered by the gateway
 * (404) without invoking the function.
 */
export class MediaHttpApi extends Construct {
  readonly httpApi: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: MediaHttpApiProps) {
    super(scope, id);
    this.httpApi = new apigwv2.HttpApi(this, 'Http', {
      description: 'reelscope media API and portal',
      createDefaultStage: false,
    });
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.THREE_MONTHS });
    this.stage = this.httpApi.addStage('Stage', {
      stageName: '$default',
      autoDeploy: true,
      // Stage-wide: a ceiling on what reaches (and bills) the function; per-tenant limits are the app's.
      throttle: { rateLimit: props.throttle.ratePerSecond, burstLimit: props.throttle.burst },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        // No headers, no query string: tokens and presigned parameters never reach the log.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            sourceIp: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            path: '$context.path',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            subject: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });
  }

  /** The API's base URL without a trailing slash: the portal's origin. */
  get url(): string {
    return this.httpApi.apiEndpoint;
  }

  /** Routes every public path and, behind the user pool's JWT authorizer, every /v1 path to the function. */
  serve(handler: lambda.IFunction, users: { userPool: cognito.IUserPool; client: cognito.IUserPoolClient }): void {
    const integration = new HttpLambdaIntegration('Function', handler, { payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0 });
    const authorizer = new HttpUserPoolAuthorizer('UserPool', users.userPool, { userPoolClients: [users.client], identitySource: ['$request.header.Authorization'] });
    this.httpApi.addRoutes({ path: PROTECTED_ROUTE, methods: [apigwv2.HttpMethod.ANY], integration, authorizer });
    const publicRoutes = PUBLIC_ROUTES.flatMap((path) => this.httpApi.addRoutes({ path, methods: [apigwv2.HttpMethod.GET], integration }));
    for (const route of publicRoutes) {
      acknowledge(route, {
        id: 'AwsSolutions-APIG4',
        reason: 'Public on purpose: the OpenAPI document, its docs page, the health check, and the portal page, assets and sign-in configuration (no secret: the pool, client id and hosted UI URL) that a browser loads before it has a token.',
      });
      acknowledge(route, {
        id: 'AwsSolutions-COG4',
        reason: 'Public on purpose (see APIG4): there is no user yet to authorize on these routes.',
      });
    }
  }
}
