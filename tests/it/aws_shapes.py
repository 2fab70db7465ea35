# Writes tests/it/aws_shapes.txt from botocore's service models (pip download botocore --no-deps).
import sys, json
sys.path.insert(0, sys.argv[1])
import botocore
from botocore import xform_name
D = sys.argv[1] + '/botocore/data/'
svcs = {'ecs': 'ecs/2014-11-13', 'elbv2': 'elbv2/2015-12-01', 'cloudwatch': 'cloudwatch/2010-08-01',
        'application-autoscaling': 'application-autoscaling/2016-02-06', 'autoscaling': 'autoscaling/2011-01-01'}
models = {k: json.load(open(D + v + '/service-2.json')) for k, v in svcs.items()}
TABLES = [
    ('cluster', 'ecs', 'CreateClusterRequest'),
    ('cluster.default_capacity_provider_strategy.0', 'ecs', 'CapacityProviderStrategyItem'),
    ('auto_scaling_groups.nodes', 'autoscaling', 'CreateAutoScalingGroupType'),
    ('capacity_providers.cp', 'ecs', 'CreateCapacityProviderRequest'),
    ('capacity_providers.cp', 'ecs', 'AutoScalingGroupProvider'),
    ('capacity_providers.cp.auto_scaling_group_provider', 'ecs', 'AutoScalingGroupProvider'),
    ('capacity_providers.cp.managed_scaling', 'ecs', 'ManagedScaling'),
    ('task_definitions.web', 'ecs', 'RegisterTaskDefinitionRequest'),
    ('task_definitions.web', 'ecs', 'TaskDefinition'),
    ('task_definitions.web.container_definitions.0', 'ecs', 'ContainerDefinition'),
    ('task_definitions.web.container_definitions.0.port_mappings.0', 'ecs', 'PortMapping'),
    ('task_definitions.web.container_definitions.0.health_check', 'ecs', 'HealthCheck'),
    ('task_definitions.web.runtime_platform', 'ecs', 'RuntimePlatform'),
    ('task_definitions.web.placement_constraints.0', 'ecs', 'TaskDefinitionPlacementConstraint'),
    ('target_groups.tg', 'elbv2', 'CreateTargetGroupInput'),
    ('services.web', 'ecs', 'CreateServiceRequest'),
    ('services.web.placement_strategy.0', 'ecs', 'PlacementStrategy'),
    ('services.web.placement_constraints.0', 'ecs', 'PlacementConstraint'),
    ('services.web.deployment_configuration', 'ecs', 'DeploymentConfiguration'),
    ('services.web.deployment_configuration.deployment_circuit_breaker', 'ecs', 'DeploymentCircuitBreaker'),
    ('services.web.deployment_configuration.deployment_circuit_breaker.threshold_configuration', 'ecs', 'ThresholdConfiguration'),
    ('services.web.deployment_configuration.alarms', 'ecs', 'DeploymentAlarms'),
    ('services.web.load_balancers.0', 'ecs', 'LoadBalancer'),
    ('scalable_targets.web', 'application-autoscaling', 'RegisterScalableTargetRequest'),
    ('scaling_policies.tt', 'application-autoscaling', 'PutScalingPolicyRequest'),
    ('scaling_policies.tt.target_tracking_scaling_policy_configuration', 'application-autoscaling', 'TargetTrackingScalingPolicyConfiguration'),
    ('scaling_policies.tt.target_tracking_scaling_policy_configuration.predefined_metric_specification', 'application-autoscaling', 'PredefinedMetricSpecification'),
    ('scaling_policies.custom.target_tracking_scaling_policy_configuration.customized_metric_specification', 'application-autoscaling', 'CustomizedMetricSpecification'),
    ('scaling_policies.custom.target_tracking_scaling_policy_configuration.customized_metric_specification.dimensions.0', 'application-autoscaling', 'MetricDimension'),
    ('scaling_policies.step.step_scaling_policy_configuration', 'application-autoscaling', 'StepScalingPolicyConfiguration'),
    ('scaling_policies.step.step_scaling_policy_configuration.step_adjustments.0', 'application-autoscaling', 'StepAdjustment'),
    ('alarms.cpu-high', 'cloudwatch', 'PutMetricAlarmInput'),
    ('alarms.cpu-high.dimensions.0', 'cloudwatch', 'Dimension'),
    ('scheduled_actions.0', 'application-autoscaling', 'PutScheduledActionRequest'),
    ('scheduled_actions.0', 'application-autoscaling', 'ScalableTargetAction'),
    ('scheduled_actions.0.scalable_target_action', 'application-autoscaling', 'ScalableTargetAction'),
    ('events.0.run_task', 'ecs', 'RunTaskRequest'),
    ('events.1.update_service', 'ecs', 'UpdateServiceRequest'),
    ('scheduled_tasks.nightly', 'ecs', 'RunTaskRequest'),
]
JSON = [
    ('json:response', 'ecs', 'DescribeTaskDefinitionResponse'),
    ('json:taskDefinition', 'ecs', 'RegisterTaskDefinitionRequest'),
    ('json:taskDefinition', 'ecs', 'TaskDefinition'),
    ('json:containerDefinitions', 'ecs', 'ContainerDefinition'),
    ('json:portMappings', 'ecs', 'PortMapping'),
    ('json:healthCheck', 'ecs', 'HealthCheck'),
    ('json:runtimePlatform', 'ecs', 'RuntimePlatform'),
    ('json:placementConstraints', 'ecs', 'TaskDefinitionPlacementConstraint'),
]
print(f"# The members of every AWS API shape the scenario file mirrors, from botocore {botocore.__version__}")
print("# (botocore/data/<service>/<version>/service-2.json). One shape per line:")
print("#   <where> <service>:<Shape>: <member> <member> …")
print("# <where> is a `--set` path to a table of tests/it/aws_fields.rs's base scenario, with members in snake_case")
print("# as botocore's xform_name writes them; or json:<object> of an AWS JSON task definition, with members as AWS")
print("# spells them. Regenerate: pip download botocore --no-deps -d /tmp/bc && (cd /tmp/bc && unzip -q botocore-*.whl)")
print("# && python3 tests/it/aws_shapes.py /tmp/bc > tests/it/aws_shapes.txt")
for path, svc, shape in TABLES:
    members = ' '.join(xform_name(m) for m in models[svc]['shapes'][shape]['members'])
    print(f"{path} {svc}:{shape}: {members}")
for path, svc, shape in JSON:
    members = ' '.join(models[svc]['shapes'][shape]['members'])
    print(f"{path} {svc}:{shape}: {members}")
