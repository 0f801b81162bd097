/**
 * Every applier, by kind. The one place a new kind is registered for writing.
 *
 * @module
 */
import type { ResourceKind } from '../desired/resource-types.js';
import { acmCertificateApplier } from './acm-certificate.js';
import { autoscalingScalableTargetApplier } from './autoscaling-scalable-target.js';
import { autoscalingScalingPolicyApplier } from './autoscaling-scaling-policy.js';
import { ec2DhcpOptionsApplier } from './ec2-dhcp-options.js';
import { ec2InternetGatewayApplier } from './ec2-internet-gateway.js';
import { ec2NatGatewayApplier } from './ec2-nat-gateway.js';
import { ec2RouteTableApplier } from './ec2-route-table.js';
import { ec2SecurityGroupApplier } from './ec2-security-group.js';
import { ec2SubnetApplier } from './ec2-subnet.js';
import { ec2VpcApplier } from './ec2-vpc.js';
import { ecsClusterApplier } from './ecs-cluster.js';
import { ecsOneOffTaskApplier } from './ecs-one-off-task.js';
import { ecsServiceApplier } from './ecs-service.js';
import { ecsTaskDefinitionApplier } from './ecs-task-definition.js';
import { createElasticacheReplicationGroupApplier } from './elasticache-replication-group.js';
import { elasticacheSubnetGroupApplier } from './elasticache-subnet-group.js';
import { elbv2ListenerApplier } from './elbv2-listener.js';
import { elbv2ListenerRuleApplier } from './elbv2-listener-rule.js';
import { elbv2LoadBalancerApplier } from './elbv2-load-balancer.js';
import { elbv2TargetGroupApplier } from './elbv2-target-group.js';
import { iamRoleApplier } from './iam-role.js';
import { logsLogGroupApplier } from './logs-log-group.js';
import { createRdsDbInstanceApplier } from './rds-db-instance.js';
import { rdsDbSubnetGroupApplier } from './rds-db-subnet-group.js';
import { route53RecordApplier } from './route53-record.js';
import { servicediscoveryInstanceApplier } from './servicediscovery-instance.js';
import { servicediscoveryNamespaceApplier } from './servicediscovery-namespace.js';
import { servicediscoveryServiceApplier } from './servicediscovery-service.js';
import { ssmParameterApplier } from './ssm-parameter.js';
import type { Applier } from './types.js';

/** Options that change how stateful kinds are deleted. */
export interface ApplierOptions {
  /** Take a final snapshot before deleting a database or cache (the mode's `finalSnapshotOnDelete`). */
  readonly finalSnapshot: boolean;
}

/** All appliers, keyed by the kind they write. */
export function createAppliers(options: ApplierOptions): ReadonlyMap<ResourceKind, Applier> {
  return new Map(
    [
      ec2VpcApplier,
      ec2InternetGatewayApplier,
      ec2SubnetApplier,
      ec2RouteTableApplier,
      ec2NatGatewayApplier,
      ec2SecurityGroupApplier,
      logsLogGroupApplier,
      iamRoleApplier,
      ssmParameterApplier,
      ecsClusterApplier,
      ecsTaskDefinitionApplier,
      ecsServiceApplier,
      ecsOneOffTaskApplier,
      elbv2LoadBalancerApplier,
      elbv2TargetGroupApplier,
      elbv2ListenerApplier,
      elbv2ListenerRuleApplier,
      acmCertificateApplier,
      route53RecordApplier,
      rdsDbSubnetGroupApplier,
      createRdsDbInstanceApplier({ finalSnapshot: options.finalSnapshot }),
      elasticacheSubnetGroupApplier,
      createElasticacheReplicationGroupApplier({ finalSnapshot: options.finalSnapshot }),
      autoscalingScalableTargetApplier,
      autoscalingScalingPolicyApplier,
      ec2DhcpOptionsApplier,
      servicediscoveryNamespaceApplier,
      servicediscoveryServiceApplier,
      servicediscoveryInstanceApplier,
    ].map((a) => [a.kind, a]),
  );
}
