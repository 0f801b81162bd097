"""Makes four moto calls behave as AWS documents them, for the fault suite only.

The fault suite loses responses on purpose (the server acted, the client saw a reset), and the SDK
resends calls AWS deduplicates itself. moto 5.x does not deduplicate two of them, so a resend would
make a second resource that AWS never would. This module is put on moto's PYTHONPATH (Python imports
`sitecustomize` at start-up) and changes only these calls (CreateLoadBalancer at the end):

ELBv2 CreateListener. AWS: "CreateListener is idempotent: if you attempt to create multiple listeners with the same settings,
each call succeeds" (it returns the existing listener); a different listener on a port already in use
fails with DuplicateListener. moto 5.x compares the port with its listener ARNs, so it never detects
either: a resend makes a second listener on the same port.

Cloud Map RegisterInstance. AWS: "If the instance already exists ... RegisterInstance updates the
instance" (one instance per id in a service). moto appends a second instance with the same id.

Cloud Map CreateService. AWS: a service name is unique in its namespace, and a repeated request with
the same CreatorRequestId returns the service it made (ServiceAlreadyExists for another request id).
moto ignores both and makes a second service.

ECS RunTask. AWS: a repeated request with the same clientToken returns the tasks the first one started.
moto ignores the token and starts the tasks again (a second run of a one-off migration).
"""

from moto.ecs import responses as _ecs_responses
from moto.elbv2 import models as _models
from moto.servicediscovery import models as _sd_models
from moto.core.exceptions import JsonRESTError as _JsonRESTError
from moto.elbv2.exceptions import DuplicateListenerError as _DuplicateListenerError

_original_create_listener = _models.ELBv2Backend.create_listener


def _same_actions(listener, actions):
    wanted = [_models.FakeAction(dict(a)).data for a in (actions or [])]
    return [a.data for a in listener.default_actions] == wanted


def _create_listener(self, load_balancer_arn, protocol, port, *args, **kwargs):
    balancer = self.load_balancers.get(load_balancer_arn)
    if balancer is not None:
        for listener in balancer.listeners.values():
            if str(listener.port) != str(port):
                continue
            actions = kwargs.get("actions", args[2] if len(args) > 2 else None)
            if listener.protocol == (protocol or "").upper() and _same_actions(listener, actions):
                return listener
            raise _DuplicateListenerError()
    return _original_create_listener(self, load_balancer_arn, protocol, port, *args, **kwargs)


_models.ELBv2Backend.create_listener = _create_listener


_original_register_instance = _sd_models.ServiceDiscoveryBackend.register_instance


def _register_instance(self, service_id, instance_id, *args, **kwargs):
    service = self.get_service(service_id)
    service.instances[:] = [i for i in service.instances if i.instance_id != instance_id]
    return _original_register_instance(self, service_id, instance_id, *args, **kwargs)


_sd_models.ServiceDiscoveryBackend.register_instance = _register_instance


class _ServiceAlreadyExists(_JsonRESTError):
    def __init__(self, service):
        super().__init__("ServiceAlreadyExists", f"Service {service.name} already exists")


_original_create_service = _sd_models.ServiceDiscoveryBackend.create_service


def _create_service(self, name, namespace_id, creator_request_id, *args, **kwargs):
    for service in self.services.values():
        if service.name == name and service.namespace_id == namespace_id:
            if creator_request_id and service.creator_request_id == creator_request_id:
                return service
            raise _ServiceAlreadyExists(service)
    return _original_create_service(self, name, namespace_id, creator_request_id, *args, **kwargs)


_sd_models.ServiceDiscoveryBackend.create_service = _create_service


_original_run_task = _ecs_responses.EC2ContainerServiceResponse.run_task


def _run_task(self):
    token = self._get_param("clientToken")
    if not token:
        return _original_run_task(self)
    # Kept on the backend, so moto's reset (a fresh backend) forgets the tokens with the tasks.
    backend = self.ecs_backend
    seen = backend.__dict__.setdefault("_fidelity_run_task_tokens", {})
    if token not in seen:
        seen[token] = _original_run_task(self)
    return seen[token]


_ecs_responses.EC2ContainerServiceResponse.run_task = _run_task


# ELBv2 CreateLoadBalancer. AWS: "If you attempt to create multiple load balancers with the same settings,
# each call succeeds" (it returns the existing one); the same name with other settings fails with
# DuplicateLoadBalancerName. moto 5.x checks a freshly random ARN, so a resend makes a second balancer
# with the same name. (Added for test/fault/lost-response.test.ts.)
from moto.elbv2.exceptions import DuplicateLoadBalancerName as _DuplicateLoadBalancerName

_original_create_load_balancer = _models.ELBv2Backend.create_load_balancer


def _create_load_balancer(self, name, security_groups, subnet_ids, *args, **kwargs):
    for balancer in self.load_balancers.values():
        if balancer.name != name:
            continue
        same = sorted(s.id for s in balancer.subnets) == sorted(subnet_ids or []) and sorted(
            balancer.security_groups or []
        ) == sorted(security_groups or [])
        if same:
            return balancer
        raise _DuplicateLoadBalancerName()
    return _original_create_load_balancer(self, name, security_groups, subnet_ids, *args, **kwargs)


_models.ELBv2Backend.create_load_balancer = _create_load_balancer
