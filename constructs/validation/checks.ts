import type { Mesh } from '../mesh';
import { compare } from '../order';
import { checkEdges } from './edge-checks';
import { ProblemList, ValidationProblem } from './problem';
import { checkLabels, checkServices } from './service-checks';
import { isDns1123Label, isDns1123Subdomain, isPortNumber, parseCidr } from './syntax';

function checkPlatform(problems: ProblemList, mesh: Mesh): void {
  const path = mesh.node.path;
  const { clusterDomain, trustDomain, controlPlane, dns, ingressGateway, apiServer } = mesh.platform;
  if (!isDns1123Subdomain(clusterDomain)) problems.error(path, `clusterDomain '${clusterDomain}' is not a DNS name; use the kubelet's --cluster-domain, e.g. 'cluster.local'`);
  if (!isDns1123Subdomain(trustDomain)) problems.error(path, `trustDomain '${trustDomain}' is not a DNS name; use Istio's meshConfig.trustDomain, e.g. 'cluster.local'`);
  for (const [what, port] of [['controlPlane.port', controlPlane.port], ['dns.port', dns.port], ['apiServer.port', apiServer.port]] as const) {
    if (!isPortNumber(port)) problems.error(path, `${what} ${port} is out of range; use an integer from 1 to 65535`);
  }
  for (const [what, labels] of [['controlPlane.labels', controlPlane.labels], ['dns.labels', dns.labels], ['ingressGateway.labels', ingressGateway.labels]] as const) {
    checkLabels(problems, path, what, labels);
  }
  // Every object carries these labels, the mesh id among them (app.kubernetes.io/part-of).
  checkLabels(problems, path, 'label', mesh.commonLabels);
  for (const [what, cidrs] of [['apiServer.cidrs', apiServer.cidrs], ['dns.cidrs', dns.cidrs]] as const) {
    for (const cidr of cidrs) {
      if (!parseCidr(cidr)) problems.error(path, `${what} entry '${cidr}' is not a CIDR; write an address as '10.0.0.1/32'`);
    }
  }
}

/** Platform namespaces that must not be locked down by the mesh's default-deny baseline. */
function platformNamespaces(mesh: Mesh): Set<string> {
  return new Set([mesh.platform.controlPlane.namespace, mesh.platform.dns.namespace, mesh.platform.ingressGateway.namespace]);
}

function checkNamespaces(problems: ProblemList, mesh: Mesh): void {
  const reserved = platformNamespaces(mesh);
  for (const namespace of mesh.namespaces) {
    const path = namespace.node.path;
    if (!isDns1123Label(namespace.name)) problems.error(path, `namespace name '${namespace.name}' is not a DNS-1123 label; use at most 63 lowercase alphanumerics and '-'`);
    if (reserved.has(namespace.name)) problems.error(path, `namespace '${namespace.name}' hosts the platform (DNS, control plane or gateway); the mesh's default-deny baseline would cut it off, declare application namespaces only`);
    checkLabels(problems, path, 'label', namespace.labels);
    checkServices(problems, namespace);
  }
}

function checkGrants(problems: ProblemList, mesh: Mesh): void {
  const known = new Set(mesh.namespaces.map((ns) => ns.name));
  for (const grant of mesh._intent.grants) {
    const path = grant.holder.node.path;
    if (!known.has(grant.namespaceName)) {
      problems.error(path, `grants API access in namespace '${grant.namespaceName}', which is not a namespace of this mesh; declare it with mesh.addNamespace('${grant.namespaceName}')`);
    }
    if (grant.resources.length === 0) problems.error(path, `grant in '${grant.namespaceName}' names no resources; list them, e.g. ['configmaps']`);
    if (grant.verbs.length === 0) problems.error(path, `grant in '${grant.namespaceName}' names no verbs; list them, e.g. ['get', 'list', 'watch']`);
    if (grant.apiGroups.length === 0) problems.error(path, `grant in '${grant.namespaceName}' has apiGroups [], which the API server rejects; omit apiGroups for the core group, or name the groups, e.g. ['apps']`);
    for (const verb of grant.verbs) {
      if (verb !== '*' && !/^[a-z]+$/.test(verb)) problems.error(path, `verb '${verb}' of the grant in '${grant.namespaceName}' is not an API verb; use lowercase verbs such as 'get', 'list', 'watch'`);
    }
    if (mesh.platform.apiServer.cidrs.length === 0) {
      problems.error(path, 'holds an API grant, but the mesh does not know the API server address to open egress to; set MeshProps.apiServer.cidrs (kubectl get endpoints kubernetes -n default)');
    }
  }
}

/** Every problem of a mesh declaration, sorted by construct path. @internal */
export function collectProblems(mesh: Mesh): ValidationProblem[] {
  const problems = new ProblemList();
  checkPlatform(problems, mesh);
  checkNamespaces(problems, mesh);
  checkEdges(problems, mesh);
  checkGrants(problems, mesh);
  return problems.items.sort((a, b) => compare(a.path, b.path) || compare(a.message, b.message));
}
