import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseInfraConfig } from '../lib/infra-config';
import { ReelscopeStack } from '../lib/reelscope-stack';

// Synthesises offline: no lookups, so `cdk synth` needs no account. The account and region
// come from the deploying credentials when there are any (`cdk deploy`).
const app = new App();
const config = parseInfraConfig(app.node.tryGetContext('reelscope'));
new ReelscopeStack(app, config.stackName, config, {
  env: { account: process.env['CDK_DEFAULT_ACCOUNT'] || undefined, region: process.env['CDK_DEFAULT_REGION'] || undefined },
});
// Every AwsSolutions finding fails the synth unless acknowledged in code with a reason.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
