import type { Mesh } from '../mesh';
import { compare } from '../order';
import { otherMeshes } from './app-meshes';
import { checkEdges } from './edge-checks';
import { ProblemList, ValidationProblem } from './problem';
import { checkLabels, checkMeshLabels, checkNamespaceLabels } from './labels';
import { checkServices } from './service-checks';
import { resolvePlatform, SIDECAR_METRICS_PORTS } from '../platform';
import { isDns1123Label, isDns1123Subdomain, isLabelValue, isPortNumber, labelValueLike, parseCidr } from './syntax';

function checkPlatform(problems: ProblemList, mesh: Mesh): void {
  const path = mesh.node.path;
  const { clusterDomain, trustDomain, controlPlane, dns, ingressGateway, apiServer, metricsScraper } = mesh.platform;
  if (!isDns1123Subdomain(clusterDomain)) problems.error(path, `clusterDomain '${clusterDomain}' is not a DNS name; use the kubelet's --cluster-domain, e.g. 'cluster.local'`);
  if (!isDns1123Subdomain(trustDomain)) problems.error(path, `trustDomain '${trustDomain}' is not a DNS name; use Istio's meshConfig.trustDomain, e.g. 'cluster.local'`);
  for (const [what, port] of [['controlPlane.port', controlPlane.port], ['dns.port', dns.port], ['apiServer.port', apiServer.port]] as const) {
    if (!isPortNumber(port)) problems.error(path, `${what} ${port} is out of range; use an integer from 1 to 65535`);
  }
  const platformPods = [['controlPlane', controlPlane], ['dns', dns], ['ingressGateway', ingressGateway], ...(metricsScraper ? [['metricsScraper', metricsScraper] as const] : [])] as const;
  for (const [what, pods] of platformPods) {
    checkLabels(problems, path, `${what}.labels`, pods.labels);
    if (!isDns1123Label(pods.namespace)) {
      problems.error(path, `${what}.namespace '${pods.namespace}' is not a namespace name (DNS-1123 label: at most 63 lowercase alphanumerics and '-')`);
    }
    if (Object.keys(pods.labels).length === 0) {
      problems.error(path, `${what}.labels is empty, which selects every pod of namespace '${pods.namespace}'; give the labels of those pods, e.g. ${JSON.stringify(resolvePlatform(SCRAPER_EXAMPLE)[what]!.labels)}`);
    }
  }
  if (metricsScraper) checkScraperPorts(problems, path, metricsScraper.ports);
  if (!isDns1123Subdomain(ingressGateway.serviceAccount)) {
    problems.error(path, `ingressGateway.serviceAccount '${ingressGateway.serviceAccount}' is not a ServiceAccount name (DNS-1123 subdomain); use the gateway pods' serviceAccountName`);
  }
  checkMeshLabels(problems, mesh);
  if (!isLabelValue(mesh.node.id)) problems.error(path, `mesh id '${mesh.node.id}' labels every object (app.kubernetes.io/part-of), so it must be a label value: at most 63 alphanumerics, '-', '_' and '.', e.g. '${labelValueLike(mesh.node.id, 'shop')}'`);
  const { revision } = controlPlane;
  if (revision !== undefined && !isLabelValue(revision)) {
    problems.error(path, `controlPlane.revision '${revision}' is not a valid label value, but the mesh writes it as the Namespace label 'istio.io/rev: ${revision}', which the API server rejects; use the revision Istio was installed with (istioctl install --revision), at most 63 alphanumerics, '-', '_', '.', starting and ending alphanumeric, e.g. '${labelValueLike(revision, 'canary')}'`);
  }
  for (const [what, cidrs] of [['apiServer.cidrs', apiServer.cidrs], ['dns.cidrs', dns.cidrs]] as const) {
    for (const cidr of cidrs) {
      if (!parseCidr(cidr)) problems.error(path, `${what} entry '${cidr}' is not a CIDR; write an address as '10.0.0.1/32'`);
    }
  }
}

/** Platform settings with every default, for the examples of messages. */
const SCRAPER_EXAMPLE = { metricsScraper: { namespace: 'monitoring' } };

/**
 * The scraper may only be let in on the sidecar's metrics ports: Istio captures every other port,
 * where STRICT mTLS and the allow-nothing policy would still stop a scraper without a sidecar.
 */
function checkScraperPorts(problems: ProblemList, path: string, ports: readonly number[]): void {
  const allowed = SIDECAR_METRICS_PORTS.join(' and ');
  if (ports.length === 0) problems.error(path, `metricsScraper.ports is empty, so the scraper would be let in nowhere; omit it for the sidecar metrics ports ${allowed}`);
  for (const port of ports.filter((p) => !SIDECAR_METRICS_PORTS.includes(p))) {
    problems.error(path, `metricsScraper.ports holds ${port}, which is not a sidecar metrics port (${allowed}); an app's own metrics port is an edge: declare it on the service and allowFrom the scraper (Peer.namespace(...) with a sidecar, or a PLAINTEXT Peer.ipBlock of its pod CIDR)`);
  }
}

/** Platform namespaces that must not be locked down by the mesh's default-deny baseline. */
function platformNamespaces(mesh: Mesh): Set<string> {
  const { controlPlane, dns, ingressGateway, metricsScraper } = mesh.platform;
  return new Set([controlPlane.namespace, dns.namespace, ingressGateway.namespace, ...(metricsScraper ? [metricsScraper.namespace] : [])]);
}

function checkNamespaces(problems: ProblemList, mesh: Mesh): void {
  const reserved = platformNamespaces(mesh);
  const others = otherMeshes(mesh);
  for (const namespace of mesh.namespaces) {
    const path = namespace.node.path;
    const rival = others.find((other) => other.namespaces.some((ns) => ns.name === namespace.name));
    if (rival) {
      problems.error(path, `namespace '${namespace.name}' is also declared by mesh ${rival.node.path}; both would write its Namespace, Services and baseline policies: declare each namespace in one mesh only`);
    }
    if (!isDns1123Label(namespace.name)) problems.error(path, `namespace name '${namespace.name}' is not a DNS-1123 label; use at most 63 lowercase alphanumerics and '-'`);
    if (reserved.has(namespace.name)) problems.error(path, `namespace '${namespace.name}' hosts the platform (DNS, control plane, gateway or metrics scraper); the mesh's default-deny baseline would cut it off, declare application namespaces only`);
    checkNamespaceLabels(problems, mesh, namespace);
    checkServices(problems, namespace);
  }
}

function checkGrants(problems: ProblemList, mesh: Mesh): void {
  const known = new Set(mesh.namespaces.map((ns) => ns.name));
  const platform = platformNamespaces(mesh);
  for (const grant of mesh._intent.grants) {
    const path = grant.holder.node.path;
    // Roles are only written into the mesh's namespaces; the holder gets its token and API-server egress from its grants.
    const ownRbac = `write your own Role and RoleBinding there for ServiceAccount ${grant.holder.namespaceName}/${grant.holder.serviceAccountName} (the mesh mounts that ServiceAccount's token and opens the service's egress to the API server only if it holds a grant in a mesh namespace)`;
    if (platform.has(grant.namespaceName)) {
      problems.error(path, `grants API access in namespace '${grant.namespaceName}', which hosts the platform and is not managed by the mesh; ${ownRbac}`);
    } else if (!known.has(grant.namespaceName)) {
      problems.error(path, `grants API access in namespace '${grant.namespaceName}', which is not a namespace of this mesh, and the mesh writes Roles only in its own namespaces; either add it with mesh.addNamespace('${grant.namespaceName}'), which puts all its pods under the mesh's default-deny policies (Ownership.EXTERNAL too: it only skips writing the Namespace object), so declare its services and who may call them as well; or keep it outside the mesh and ${ownRbac}`);
    }
    checkGrantRules(problems, path, grant);
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

/** Verbs of the Kubernetes API and of its built-in authorization checks (RBAC docs, "Referring to resources"). */
const KNOWN_VERBS = new Set([
  'get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection',
  'use', 'bind', 'escalate', 'impersonate', 'approve', 'sign', 'proxy', '*',
]);
/** Requests that carry no object name at authorization time, so resourceNames cannot allow them. */
const UNNAMED_VERBS = new Set(['create', 'deletecollection']);

function checkGrantRules(problems: ProblemList, path: string, grant: Mesh['_intent']['grants'][number]): void {
  const where = `grant in '${grant.namespaceName}'`;
  for (const resource of grant.resources) {
    // RBAC matches resources exactly: the API's lowercase plural, optionally with a subresource.
    if (resource !== '*' && !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\/[a-z]+)?$/.test(resource) && !/^\*\/[a-z]+$/.test(resource)) {
      const [name, ...group] = resource.split('.');
      const fix = group.length > 0 ? `resources ['${name.toLowerCase()}'] with apiGroups ['${group.join('.')}']` : `'${resource.toLowerCase() || 'configmaps'}'`;
      problems.error(path, `resource '${resource}' of the ${where} never matches: RBAC compares the API's lowercase plural names exactly, without the group; write e.g. ${fix}`);
    }
  }
  for (const verb of grant.verbs) {
    if (/^[a-z]+$/.test(verb) && !KNOWN_VERBS.has(verb)) {
      problems.warning(path, `verb '${verb}' of the ${where} is not a Kubernetes API verb; it only matters to an authorizer that checks it (known verbs: get, list, watch, create, update, patch, delete, deletecollection)`);
    }
  }
  // Everything, in every group or in the core group (Secrets, Pods and ServiceAccounts): as good as owning the namespace.
  const allGroups = grant.apiGroups.includes('*');
  if (grant.resources.includes('*') && grant.verbs.includes('*') && grant.resourceNames.length === 0 && (allGroups || grant.apiGroups.includes(''))) {
    const reach = allGroups
      ? `every API group (resources ['*'], verbs ['*'], apiGroups ['*']): namespace admin and more, like binding cluster-admin in '${grant.namespaceName}' (every Secret, pods running as any ServiceAccount there, any role bound)`
      : `the core API group (resources ['*'], verbs ['*']): nearly namespace admin in '${grant.namespaceName}' (every Secret, exec into every pod, pods and tokens of any ServiceAccount there)`;
    problems.warning(path, `${where} allows every verb on every resource of ${reach}; list only the resources and verbs the service needs, e.g. resources ['configmaps'] with verbs ['get', 'list', 'watch']`);
  }
  if (grant.resourceNames.length > 0) {
    for (const verb of grant.verbs.filter((v) => UNNAMED_VERBS.has(v))) {
      problems.warning(path, `verb '${verb}' of the ${where} is limited to resourceNames, but ${verb} requests name no object, so it is never allowed; grant it in a separate grant without resourceNames`);
    }
    for (const verb of grant.verbs.filter((v) => v === 'list' || v === 'watch')) {
      problems.warning(path, `verb '${verb}' of the ${where} with resourceNames only allows requests with fieldSelector metadata.name=<name>; a plain ${verb} is denied`);
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
