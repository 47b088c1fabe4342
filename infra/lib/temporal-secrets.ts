import { RemovalPolicy } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from './acknowledge';

/**
 * Secrets the worker and the starter read at start-up by id: the Temporal Cloud credential
 * (`{"apiKey": ...}` or `{"tlsCert": ..., "tlsKey": ...}`) and the payload keyring
 * (`{"keys": "id:base64,...", "activeKey": "id"}`). The stack creates them empty and never
 * sees a value: operators put the values with `aws secretsmanager put-secret-value`, so no
 * credential passes through a template, a CDK context or CloudFormation.
 */
export interface TemporalSecretsProps {
  cloudCredential: boolean;
  payloadEncryption: boolean;
  /** Secrets created before the stack (recommended: the first deployment's workers can start at once). */
  existing?: { credentialArn?: string; payloadKeysArn?: string };
}

export class TemporalSecrets extends Construct {
  readonly credential?: secretsmanager.ISecret;
  readonly payloadKeys?: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, props: TemporalSecretsProps) {
    super(scope, id);
    const rotationOutOfBand = {
      id: 'AwsSolutions-SMG4',
      reason: 'Rotated out of band: a Temporal Cloud API key or certificate is issued by Temporal Cloud, and payload keys rotate by adding a key id and switching activeKey (old ids stay to decrypt history), neither of which a Secrets Manager rotation Lambda can do.',
    };
    const secret = (secretId: string, description: string, existingArn: string | undefined): secretsmanager.ISecret => {
      if (existingArn) return secretsmanager.Secret.fromSecretCompleteArn(this, secretId, existingArn);
      const created = new secretsmanager.Secret(this, secretId, { description, removalPolicy: RemovalPolicy.RETAIN });
      acknowledge(created, rotationOutOfBand);
      return created;
    };
    if (props.cloudCredential) {
      this.credential = secret('CloudCredential', 'Temporal Cloud credential for reelscope: {"apiKey": "..."} or {"tlsCert": "PEM", "tlsKey": "PEM"}', props.existing?.credentialArn);
    }
    if (props.payloadEncryption) {
      this.payloadKeys = secret('PayloadKeys', 'reelscope payload encryption keys: {"keys": "k1:<32 bytes base64>", "activeKey": "k1"}', props.existing?.payloadKeysArn);
    }
  }

  /** The environment that points a component at these secrets. */
  environment(): Record<string, string> {
    return {
      ...(this.credential ? { REELSCOPE_TEMPORAL_SECRET_ID: this.credential.secretArn } : {}),
      ...(this.payloadKeys ? { REELSCOPE_CODEC_SECRET_ID: this.payloadKeys.secretArn } : {}),
    };
  }

  /** Every secret, for granting read access. */
  all(): secretsmanager.ISecret[] {
    return [this.credential, this.payloadKeys].filter((s): s is secretsmanager.ISecret => s !== undefined);
  }
}
