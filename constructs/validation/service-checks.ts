import type { MeshNamespace } from '../namespace';
import type { MeshService } from '../service';
import { BASELINE_NAMES, serviceObjectNames } from '../render/manifest';
import { ProblemList } from './problem';
import { findOverlappingSelectors } from './selector-overlap';
import { isDns1035Label, isDns1123Subdomain, isIanaServiceName, isLabelKey, isLabelValue, isPortNumber } from './syntax';

/** Syntax of a label map, as selector or as labels. */
export function checkLabels(problems: ProblemList, path: string, what: string, labels: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(labels)) {
    if (!isLabelKey(key)) problems.error(path, `${what} key '${key}' is not a valid label key; use [prefix/]name with alphanumerics, '-', '_', '.' (name at most 63 characters)`);
    if (!isLabelValue(value)) problems.error(path, `${what} value '${value}' of '${key}' is not a valid label value; use at most 63 alphanumerics, '-', '_', '.', starting and ending alphanumeric`);
  }
}

function checkPorts(problems: ProblemList, service: MeshService): void {
  const path = service.node.path;
  const seenNames = new Set<string>();
  const seenServicePorts = new Set<string>();
  const seenContainerPorts = new Set<string>();
  for (const port of service.ports) {
    if (!isIanaServiceName(port.name)) problems.error(path, `port name '${port.name}' is invalid; use at most 15 of [a-z0-9-] with at least one letter, e.g. 'http-web'`);
    for (const [what, value] of [['port', port.port], ['containerPort', port.containerPort]] as const) {
      // JavaScript callers can pass strings; '80' would read as a valid port in the message.
      const shown = typeof value === 'number' ? String(value) : `${JSON.stringify(value)} (a ${typeof value})`;
      if (!isPortNumber(value)) problems.error(path, `${what} ${shown} of '${port.name}' is out of range; use an integer from 1 to 65535`);
    }
    if (seenNames.has(port.name)) problems.error(path, `port name '${port.name}' is declared twice; give each port its own name`);
    const servicePort = `${port.transport}/${port.port}`;
    if (seenServicePorts.has(servicePort)) problems.error(path, `service port ${servicePort} is declared twice; each Service port must be unique`);
    const containerPort = `${port.transport}/${port.containerPort}`;
    if (seenContainerPorts.has(containerPort)) problems.error(path, `container port ${containerPort} is used by two ports; policies match container ports, so give each its own`);
    seenNames.add(port.name);
    seenServicePorts.add(servicePort);
    seenContainerPorts.add(containerPort);
  }
}

/** Names of the fixed objects that a service's derived object names must not take. */
const RESERVED_OBJECT_NAMES = new Set<string>(Object.values(BASELINE_NAMES));

function checkName(problems: ProblemList, service: MeshService): void {
  const path = service.node.path;
  if (!isDns1035Label(service.name)) {
    problems.error(path, `service name '${service.name}' is not a DNS-1035 label; use at most 63 lowercase letters, digits and '-', starting with a letter`);
  }
  // A defaulted account name is the service name, whose own error already says what to fix.
  const accountIsName = service.serviceAccountName === service.name;
  if (!isDns1123Subdomain(service.serviceAccountName) && !(accountIsName && !isDns1035Label(service.name))) {
    problems.error(path, `serviceAccountName '${service.serviceAccountName}' is not a DNS-1123 subdomain; use lowercase alphanumerics, '-' and '.'`);
  }
  const clash = Object.values(serviceObjectNames(service.name)).find((name) => RESERVED_OBJECT_NAMES.has(name));
  if (clash) problems.error(path, `service name '${service.name}' would name a policy '${clash}', which the namespace baseline already uses; rename the service`);
}

/** Checks of each service on its own, and of the services of one namespace together. */
export function checkServices(problems: ProblemList, namespace: MeshNamespace): void {
  const services = namespace.services;
  for (const service of services) {
    checkName(problems, service);
    checkPorts(problems, service);
    if (Object.keys(service.selector).length === 0) {
      problems.error(service.node.path, 'selector is empty, so it would select every pod of the namespace; give the service labels that only its pods carry');
    }
    checkLabels(problems, service.node.path, 'selector', service.selector);
  }
  for (const [a, b] of findOverlappingSelectors(services)) {
    problems.error(b.node.path, `selector ${JSON.stringify(b.selector)} selects only pods that the selector ${JSON.stringify(a.selector)} of ${a.node.path} selects too: they would get both services' policies; give ${a.node.path} a label that tells the two apart`);
  }
  const bySa = new Map<string, MeshService[]>();
  for (const service of services) bySa.set(service.serviceAccountName, [...(bySa.get(service.serviceAccountName) ?? []), service]);
  for (const [sa, sharing] of bySa) {
    if (sharing.length < 2) continue;
    for (const service of sharing.slice(1)) {
      problems.warning(service.node.path, `shares ServiceAccount '${sa}' with ${sharing[0].node.path}: their identities merge, so Istio cannot tell them apart; give each service its own serviceAccountName`);
    }
  }
}

