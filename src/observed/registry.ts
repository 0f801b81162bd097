/**
 * Every observer, by kind. The one place a new kind is registered for reading.
 *
 * @module
 */
import type { ResourceKind } from '../desired/resource-types.js';
import { acmCertificateObserver } from './acm-certificate.js';
import { autoscalingScalableTargetObserver } from './autoscaling-scalable-target.js';
import { autoscalingScalingPolicyObserver } from './autoscaling-scaling-policy.js';
import { ec2DhcpOptionsObserver } from './ec2-dhcp-options.js';
import { ec2InternetGatewayObserver } from './ec2-internet-gateway.js';
import { ec2NatGatewayObserver } from './ec2-nat-gateway.js';
import { ec2RouteTableObserver } from './ec2-route-table.js';
import { ec2SecurityGroupObserver } from './ec2-security-group.js';
import { ec2SubnetObserver } from './ec2-subnet.js';
import { ec2VpcObserver } from './ec2-vpc.js';
import { ecsClusterObserver } from './ecs-cluster.js';
import { ecsOneOffTaskObserver } from './ecs-one-off-task.js';
import { ecsServiceObserver } from './ecs-service.js';
import { ecsTaskDefinitionObserver } from './ecs-task-definition.js';
import { elasticacheReplicationGroupObserver } from './elasticache-replication-group.js';
import { elasticacheSubnetGroupObserver } from './elasticache-subnet-group.js';
import { elbv2ListenerObserver } from './elbv2-listener.js';
import { elbv2ListenerRuleObserver } from './elbv2-listener-rule.js';
import { elbv2LoadBalancerObserver } from './elbv2-load-balancer.js';
import { elbv2TargetGroupObserver } from './elbv2-target-group.js';
import { iamRoleObserver } from './iam-role.js';
import { logsLogGroupObserver } from './logs-log-group.js';
import { rdsDbInstanceObserver } from './rds-db-instance.js';
import { rdsDbSubnetGroupObserver } from './rds-db-subnet-group.js';
import { route53RecordObserver } from './route53-record.js';
import { servicediscoveryInstanceObserver } from './servicediscovery-instance.js';
import { servicediscoveryNamespaceObserver } from './servicediscovery-namespace.js';
import { servicediscoveryServiceObserver } from './servicediscovery-service.js';
import { ssmParameterObserver } from './ssm-parameter.js';
import type { Observer } from './types.js';

/** All observers, keyed by the kind they read. */
export const OBSERVERS: ReadonlyMap<ResourceKind, Observer> = new Map(
  [
    ec2VpcObserver,
    ec2InternetGatewayObserver,
    ec2SubnetObserver,
    ec2RouteTableObserver,
    ec2NatGatewayObserver,
    ec2SecurityGroupObserver,
    logsLogGroupObserver,
    iamRoleObserver,
    ssmParameterObserver,
    ecsClusterObserver,
    ecsTaskDefinitionObserver,
    ecsServiceObserver,
    ecsOneOffTaskObserver,
    elbv2LoadBalancerObserver,
    elbv2TargetGroupObserver,
    elbv2ListenerObserver,
    elbv2ListenerRuleObserver,
    acmCertificateObserver,
    route53RecordObserver,
    rdsDbSubnetGroupObserver,
    rdsDbInstanceObserver,
    elasticacheSubnetGroupObserver,
    elasticacheReplicationGroupObserver,
    autoscalingScalableTargetObserver,
    autoscalingScalingPolicyObserver,
    ec2DhcpOptionsObserver,
    servicediscoveryNamespaceObserver,
    servicediscoveryServiceObserver,
    servicediscoveryInstanceObserver,
  ].map((o) => [o.kind, o]),
);
