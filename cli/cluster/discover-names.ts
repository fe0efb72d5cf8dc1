/**
 * Names the construct library accepts, made from Kubernetes names it refuses although the API server
 * takes them (the library's rules: constructs/validation/syntax.ts and service-checks.ts). Service
 * port names are DNS-1123 labels of up to 63 characters in Kubernetes, IANA service names of up to 15
 * in the library; workload names are DNS-1123 subdomains (dots, a digit first), mesh service names
 * DNS-1035 labels; and a service's policies `<name>-egress`... must not take a baseline policy's name.
 */

/** IANA_SVC_NAME: at most 15 of [a-z0-9-], a letter among them, no '--', no '-' at an end. */
export function isIanaServiceName(name: string): boolean {
  return name.length <= 15 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name) && /[a-z]/.test(name) && !name.includes('--');
}

/** The namespace baseline's policies, and the suffixes of a service's own (`<service>-ingress`...). */
const BASELINE_POLICY_NAMES = new Set(['default-deny', 'allow-platform-egress', 'namespace-egress', 'allow-nothing', 'default']);
const SERVICE_POLICY_SUFFIXES = ['-ingress', '-egress', '-allow', '-plaintext-ports'];

/** A DNS-1035 label whose policies keep clear of the baseline's names. */
export function isMeshServiceName(name: string): boolean {
  return name.length <= 63 && /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name)
    && !SERVICE_POLICY_SUFFIXES.some((suffix) => BASELINE_POLICY_NAMES.has(`${name}${suffix}`));
}

/** Lowercase, every run of other characters one '-', at most `max` characters, no '-' at an end. */
function sanitize(text: string, max: number): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+/, '').slice(0, max).replace(/-+$/, '');
}

/**
 * A port name the library accepts and the service does not use yet: the Kubernetes name when it is
 * one, else that name cut to 15 characters (its protocol prefix, which Istio reads, comes first and
 * stays: `grpc-cartservice` -> `grpc-cartservic`), else `<protocol>-<port>` (`grpc-7070`).
 */
export function meshPortName(name: string | undefined, protocol: string, port: number, taken: ReadonlySet<string>): string {
  const candidates = [name ?? '', sanitize(name ?? '', 15), `${protocol}-${port}`];
  for (let n = 2; n < 100; n++) candidates.push(`${protocol}-${port}-${n}`);
  return candidates.find((candidate) => isIanaServiceName(candidate) && !taken.has(candidate)) ?? `${protocol}-${port}`;
}

/**
 * A mesh service name for a Kubernetes name, with `suffix` appended: dots and other characters as '-',
 * `svc-` before a leading digit, cut to 63 characters; `-svc` after a name whose policies would take a
 * baseline policy's name (`namespace` -> `namespace-svc`, since `namespace-egress` is the baseline's).
 */
export function meshServiceName(name: string, suffix = ''): string {
  const base = (text: string) => sanitize(text, 63 - suffix.length);
  let candidate = `${base(/^[a-z]/i.test(name) ? name : `svc-${name}`)}${suffix}`;
  if (!isMeshServiceName(candidate)) candidate = `${base(`${candidate}-svc`)}${suffix}`;
  return candidate;
}

/** Why the library refuses a Kubernetes name, for the comment beside the name used instead. */
export function refusal(kind: 'port' | 'service', name: string): string {
  if (kind === 'port') {
    return `the library wants IANA service names as port names (at most 15 of a-z, 0-9 and '-', a letter among them, no '--')`;
  }
  return /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name) && name.length <= 63
    ? `the policy names of '${name}' would take the namespace baseline's`
    : 'mesh service names are DNS-1035 labels (lowercase letters, digits and \'-\', a letter first)';
}
