/** Managed nodes and activations → their SSM wire structures (Appendix A `InstanceInformation`, `Activation`). */
import type { ActivationView } from '../../services/activation-service.js';
import type { NodeView } from '../../services/managed-node-service.js';
import { compact, timestamp } from './shapes.js';

/** `InstanceInformation`: every Mado node is a hybrid `ManagedInstance`. */
export function instanceInformationWire(view: NodeView) {
  const { node } = view;
  const facts = node.facts;
  return compact({
    InstanceId: node.instanceId,
    PingStatus: view.pingStatus,
    LastPingDateTime: timestamp(node.lastPingAt),
    AgentVersion: facts?.agentVersion,
    IsLatestVersion: view.isLatestVersion,
    PlatformType: facts?.platformType,
    PlatformName: facts?.platformName,
    PlatformVersion: facts?.platformVersion,
    ActivationId: node.activationId,
    IamRole: node.iamRole,
    RegistrationDate: timestamp(node.registeredAt),
    ResourceType: 'ManagedInstance',
    Name: node.name,
    IPAddress: facts?.ipAddresses[0],
    ComputerName: facts?.computerName,
    SourceId: node.instanceId,
    SourceType: 'AWS::SSM::ManagedInstance',
  });
}

/** `Activation`, without its code, which is shown only once by CreateActivation. */
export function activationWire(view: ActivationView) {
  const { activation } = view;
  return compact({
    ActivationId: activation.activationId,
    Description: activation.description,
    DefaultInstanceName: activation.defaultInstanceName,
    IamRole: activation.iamRole,
    RegistrationLimit: activation.registrationLimit,
    RegistrationsCount: activation.registrationsCount,
    ExpirationDate: timestamp(activation.expiresAt),
    Expired: view.expired,
    CreatedDate: timestamp(activation.createdAt),
    Tags: activation.tags,
  });
}
