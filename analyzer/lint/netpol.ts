// NetworkPolicy admission, transcribed from kubernetes/kubernetes
// pkg/apis/networking/validation/validation.go (ValidateNetworkPolicySpec, ValidateNetworkPolicyPort,
// ValidateNetworkPolicyPeer, ValidateIPBlock) with the defaults of the v1 API (protocol TCP) and the
// CIDR parsing of IsValidCIDRForLegacyField (StrictIPCIDRValidation off by default). The CIDR
// warnings mirror GetWarningsForCIDR, which the API server returns on create.

import { isStrictSubset, isValidPrefixStrict, parseCidrSloppy } from './ip';
import { isValidPortNumber, portNameErrors } from './names';
import { decodedObjects, decodedStrings, Findings, isSet, JsonObject, objectField, show, stringField } from './objects';
import { validateLabelSelector } from './selectors';

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const POLICY_TYPES = ['Ingress', 'Egress'];

export function lintNetworkPolicyAdmission(policy: JsonObject, findings: Findings): void {
  const spec = objectField(policy, 'spec');
  validateLabelSelector(objectField(spec, 'podSelector'), 'spec.podSelector', findings);
  for (const [direction, peersField] of [['ingress', 'from'], ['egress', 'to']] as const) {
    decodedObjects(spec, direction).forEach((rule, i) => {
      const at = `spec.${direction}[${i}]`;
      decodedObjects(rule, 'ports').forEach((port, j) => validatePort(port, `${at}.ports[${j}]`, findings));
      decodedObjects(rule, peersField).forEach((peer, j) => validatePeer(peer, `${at}.${peersField}[${j}]`, findings));
    });
  }
  validatePolicyTypes(spec, findings);
}

function validatePort(port: JsonObject, path: string, findings: Findings): void {
  const protocol = port.protocol;
  if (typeof protocol === 'string' && !PROTOCOLS.includes(protocol)) {
    findings.error(`${path}.protocol ${show(protocol)} is not supported: use TCP, UDP or SCTP (upper case; omitted means TCP)`);
  }
  const number = port.port;
  const hasEndPort = isSet(port, 'endPort');
  const endPort = port.endPort;
  if (typeof number === 'number') {
    if (!isValidPortNumber(number)) {
      findings.error(`${path}.port ${number} is not a valid port: use 1-65535 (omit port to allow all ports, never 0)`);
    }
    if (hasEndPort && typeof endPort === 'number') {
      if (endPort < number) findings.error(`${path}.endPort ${endPort} must be greater than or equal to port ${number}`);
      if (!isValidPortNumber(endPort)) findings.error(`${path}.endPort ${endPort} is not a valid port: use 1-65535`);
    }
  } else if (typeof number === 'string') {
    if (hasEndPort) findings.error(`${path}.endPort may not be set when port is the named port ${show(number)}: use a numeric port for a range`);
    const reasons = portNameErrors(number);
    if (reasons.length > 0) {
      const hint = /^[0-9]+$/.test(number) ? ` (a number must not be quoted: port: ${number})` : '';
      findings.error(`${path}.port ${show(number)} is not a valid named port: ${reasons.join('; ')}${hint}`);
    }
  } else if (hasEndPort) {
    findings.error(`${path}.endPort may not be set without port: set port to the start of the range`);
  }
}

function validatePeer(peer: JsonObject, path: string, findings: Findings): void {
  const kinds = ['podSelector', 'namespaceSelector', 'ipBlock'].filter((field) => isSet(peer, field));
  validateLabelSelector(objectField(peer, 'podSelector'), `${path}.podSelector`, findings);
  validateLabelSelector(objectField(peer, 'namespaceSelector'), `${path}.namespaceSelector`, findings);
  const ipBlock = objectField(peer, 'ipBlock');
  if (ipBlock !== undefined) validateIPBlock(ipBlock, `${path}.ipBlock`, findings);
  if (kinds.length === 0) {
    findings.error(`${path} must specify a peer (podSelector, namespaceSelector or ipBlock); to allow everyone omit the ${path.includes('.to[') ? 'to' : 'from'} list instead`);
  } else if (kinds.length > 1 && kinds.includes('ipBlock')) {
    findings.error(`${path} may not combine ipBlock with ${kinds.filter((k) => k !== 'ipBlock').join(' and ')}: make them separate peers`);
  }
}

function validateIPBlock(ipBlock: JsonObject, path: string, findings: Findings): void {
  const cidrText = stringField(ipBlock, 'cidr') ?? '';
  if (cidrText === '') {
    findings.error(`${path}.cidr is required: give a CIDR such as 10.0.0.0/8`);
    return;
  }
  const cidr = parseCidrSloppy(cidrText);
  if (cidr === undefined) {
    findings.error(`${path}.cidr ${show(cidrText)} is not a valid CIDR: use a value like 10.9.8.0/24 or 2001:db8::/64`);
    return;
  }
  warnNonStandardCidr(cidrText, `${path}.cidr`, findings);
  decodedStrings(ipBlock, 'except').forEach((exceptText, i) => {
    const at = `${path}.except[${i}]`;
    const except = parseCidrSloppy(exceptText);
    if (except === undefined) {
      findings.error(`${at} ${show(exceptText)} is not a valid CIDR: use a value like 10.9.8.0/24`);
      return;
    }
    warnNonStandardCidr(exceptText, at, findings);
    if (!isStrictSubset(cidr, except)) {
      findings.error(`${at} ${show(exceptText)} must be a strict subset of cidr ${show(cidrText)}: use a longer prefix inside the cidr, or remove it`);
    }
  });
}

function warnNonStandardCidr(text: string, path: string, findings: Findings): void {
  const cidr = parseCidrSloppy(text);
  if (cidr?.hostBitsSet) {
    findings.warning(`${path} ${show(text)} has bits set beyond its prefix length and is ambiguous (the API server warns): write the network address of the range, or a /32 (/128) for one host`);
  } else if (!isValidPrefixStrict(text)) {
    findings.warning(`${path} ${show(text)} is non-standard (leading zeros) and will be invalid in a future Kubernetes release: write it canonically`);
  }
}

function validatePolicyTypes(spec: JsonObject | undefined, findings: Findings): void {
  const policyTypes = decodedStrings(spec, 'policyTypes');
  if (policyTypes.length > POLICY_TYPES.length) {
    findings.error(`spec.policyTypes ${show(policyTypes)} may not list more than two policy types: use Ingress and/or Egress once each`);
    return;
  }
  policyTypes.forEach((type, i) => {
    if (!POLICY_TYPES.includes(type)) findings.error(`spec.policyTypes[${i}] ${show(type)} is not supported: use Ingress or Egress (capitalized)`);
  });
}
