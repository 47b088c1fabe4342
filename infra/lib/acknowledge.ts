import { Validations, type CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export interface NagAcknowledgment {
  /** The cdk-nag rule, e.g. `AwsSolutions-IAM5`. */
  id: string;
  /** Why the finding is right for reelscope: reviewed in code review like the code itself. */
  reason: string;
  /**
   * The exact findings accepted (cdk-nag's `Rule[finding]` ids, e.g. `Resource::*`). Omitted,
   * the whole rule is accepted for the construct and its children: only for rules that have
   * no per-finding detail.
   */
  findings?: string[];
}

/**
 * Accepts cdk-nag findings on a construct and everything under it, finding by finding where
 * the rule reports them, so a new wildcard added later is still reported.
 */
export function acknowledge(scope: IConstruct, ...rules: NagAcknowledgment[]): void {
  for (const rule of rules) {
    const ids = rule.findings ? rule.findings.map((finding) => `${rule.id}[${finding}]`) : [rule.id];
    for (const id of ids) Validations.of(scope).acknowledge({ id, reason: rule.reason });
  }
}

/** How cdk-nag spells a resource's `Fn::GetAtt Arn` inside a finding: `<LogicalId.Arn>`. */
export function arnInFinding(resource: IConstruct): string {
  const element = resource.node.defaultChild as CfnElement | undefined;
  if (!element) throw new Error(`${resource.node.path} has no CloudFormation resource`);
  return `<${Stack.of(resource).getLogicalId(element)}.Arn>`;
}
