import type { MeshNamespace } from '../namespace';
import type { MeshService } from '../service';
import { BASELINE_NAMES, serviceObjectNames } from '../render/manifest';
import type { MeshPort } from '../port';
import { checkLabels } from './labels';
import { ProblemList } from './problem';
import { findOverlappingSelectors } from './selector-overlap';
import { sidecarPortUse } from './sidecar-ports';
import { SIDECAR_METRICS_PORTS } from '../platform';
import { dns1035LabelLike, isDns1035Label, isDns1123Subdomain, isIanaServiceName, isPortNumber } from './syntax';

function checkPorts(problems: ProblemList, service: MeshService): void {
  const path = service.node.path;
  const seenNames = new Set<string>();
  const byServicePort = new Map<string, MeshPort>();
  const byContainerPort = new Map<string, MeshPort>();
  for (const port of service.ports) {
    if (!isIanaServiceName(port.name)) problems.error(path, `port name '${port.name}' is invalid; use at most 15 of [a-z0-9-] with at least one letter, e.g. 'http-web'`);
    // A defaulted containerPort is the Service port: its mistakes are the port's, reported once.
    const numbers = port._containerPortGiven ? [['port', port.port], ['containerPort', port.containerPort]] as const : [['port', port.port]] as const;
    for (const [what, value] of numbers) {
      // JavaScript callers can pass strings; '80' would read as a valid port in the message.
      const shown = typeof value === 'number' ? String(value) : `${JSON.stringify(value)} (a ${typeof value})`;
      if (!isPortNumber(value)) problems.error(path, `${what} ${shown} of '${port.name}' is out of range; use an integer from 1 to 65535`);
    }
    if (seenNames.has(port.name)) problems.error(path, `port name '${port.name}' is declared twice; give each port its own name`);
    const servicePort = `${port.transport}/${port.port}`;
    const sameServicePort = byServicePort.get(servicePort);
    if (sameServicePort) {
      problems.error(path, `service port ${servicePort} of '${port.name}' is also the Service port of '${sameServicePort.name}'; a Service's ports must differ, so give one of them another number`);
    }
    const containerPort = `${port.transport}/${port.containerPort}`;
    const sameContainerPort = byContainerPort.get(containerPort);
    // Unless it only repeats the Service port's duplicate through the default.
    if (sameContainerPort && (port._containerPortGiven || sameContainerPort !== sameServicePort)) {
      problems.error(path, `container port ${containerPort} of '${port.name}' is also the container port of '${sameContainerPort.name}'; policies match container ports, so give each its own`);
    }
    const sidecarUse = sidecarPortUse(port);
    if (sidecarUse) {
      const scraping = SIDECAR_METRICS_PORTS.includes(port.containerPort) ? ". To let Prometheus scrape the sidecar's metrics, set MeshProps.metricsScraper instead of declaring the port" : '';
      problems.error(path, `container port ${port.containerPort} of '${port.name}' is the Istio sidecar's own (${sidecarUse}) in every injected pod: the app cannot listen on it and Istio does not authorize it; give the container another port${scraping}`);
    }
    seenNames.add(port.name);
    if (!sameServicePort) byServicePort.set(servicePort, port);
    if (!sameContainerPort) byContainerPort.set(containerPort, port);
  }
}

/** Names of the fixed objects that a service's derived object names must not take. */
const RESERVED_OBJECT_NAMES = new Set<string>(Object.values(BASELINE_NAMES));

function checkName(problems: ProblemList, service: MeshService): void {
  const path = service.node.path;
  if (!isDns1035Label(service.name)) {
    problems.error(path, `service name '${service.name}' is not a DNS-1035 label, which Kubernetes requires of Service names; use at most 63 lowercase letters, digits and '-', starting with a letter and ending with a letter or digit, e.g. '${dns1035LabelLike(service.name, 'orders')}'`);
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

