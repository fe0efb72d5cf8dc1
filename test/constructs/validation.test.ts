import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing } from 'cdk8s';
import { Mesh, MeshPort, MeshValidationError, MtlsMode, Peer, PeerTransport, Severity } from '../../constructs';
import { problemsAt, testMesh } from '../support/mesh';

function twoServices(props = {}) {
  const mesh = testMesh(props);
  const api = mesh.addNamespace('api');
  const orders = api.addService('orders', { ports: [MeshPort.grpc(50051, { name: 'grpc' }), MeshPort.tcp(5432, { name: 'tcp-pg' }), MeshPort.udp(514, { name: 'udp-log' })] });
  const client = api.addService('client');
  return { mesh, api, orders, client };
}

describe('validation', () => {
  test('invalid names are reported at the construct with the value', () => {
    const mesh = testMesh();
    const ns = mesh.addNamespace('Web_Team');
    ns.addService('1orders', { serviceAccountName: 'Bad SA' });
    expect(problemsAt(mesh, 'test/Web_Team')).toEqual([expect.stringMatching(/^error: namespace name 'Web_Team' is not a DNS-1123 label/)]);
    const serviceProblems = problemsAt(mesh, 'test/Web_Team/1orders');
    expect(serviceProblems).toContainEqual(expect.stringMatching(/service name '1orders' is not a DNS-1035 label, .*starting with a letter.*e\.g\. 'orders'$/));
    expect(serviceProblems).toContainEqual(expect.stringMatching(/serviceAccountName 'Bad SA' is not a DNS-1123 subdomain/));
  });

  test('ports outside 1-65535 and invalid port names are reported', () => {
    const mesh = testMesh();
    mesh.addNamespace('api').addService('orders', { ports: [MeshPort.tcp(0, { name: 'tcp-zero' }), MeshPort.http(80, { containerPort: 70000, name: 'HTTP_Web' })] });
    const problems = problemsAt(mesh, 'test/api/orders');
    expect(problems).toContainEqual(expect.stringMatching(/port 0 of 'tcp-zero' is out of range; use an integer from 1 to 65535/));
    expect(problems).toContainEqual(expect.stringMatching(/containerPort 70000 of 'HTTP_Web' is out of range/));
    expect(problems).toContainEqual(expect.stringMatching(/port name 'HTTP_Web' is invalid/));
  });

  test('an edge to an undeclared port names the port and the declared ones', () => {
    const { mesh, orders, client } = twoServices();
    orders.allowFrom(client, { ports: ['http'] });
    expect(problemsAt(mesh, 'test/api/orders')).toContainEqual(
      "error: allows service api/client on port 'http', which the service does not declare (ports: 'grpc', 'tcp-pg', 'udp-log')");
  });

  test('methods or paths on a TCP port are an error naming the port', () => {
    const { mesh, orders, client } = twoServices();
    orders.allowFrom(client, { ports: ['tcp-pg'], methods: ['GET'] });
    expect(problemsAt(mesh, 'test/api/orders')).toContainEqual(expect.stringMatching(/allows service api\/client methods\/paths on port 'tcp-pg', which is TCP: Istio ignores the whole ALLOW rule/));
  });

  test('lowercase methods and malformed paths are reported with the value', () => {
    const { mesh, orders, client } = twoServices();
    orders.allowFrom(client, { ports: ['grpc'], methods: ['post'], paths: ['/a/*/b'] });
    const problems = problemsAt(mesh, 'test/api/orders');
    expect(problems).toContainEqual(expect.stringMatching(/method 'post' .* write it in capitals, e\.g\. 'POST'/));
    expect(problems).toContainEqual(expect.stringMatching(/path '\/a\/\*\/b' .* is not Istio path syntax/));
  });

  test('an edge on a UDP port warns that Istio does not authorize UDP', () => {
    const { mesh, orders, client } = twoServices();
    orders.allowFrom(client, { ports: ['udp-log'] });
    expect(problemsAt(mesh, 'test/api/orders')).toEqual([expect.stringMatching(/^warning: allows service api\/client on UDP port 'udp-log': Istio sidecars do not intercept UDP/)]);
  });

  test('an IP-block peer without a declared transport is an error under STRICT mTLS only', () => {
    const strict = twoServices();
    strict.orders.allowFrom(Peer.ipBlock('203.0.113.0/24'), { ports: ['grpc'] });
    expect(problemsAt(strict.mesh, 'test/api/orders')).toContainEqual(expect.stringMatching(/allows ipBlock 203\.0\.113\.0\/24, but STRICT mTLS silently rejects callers without a sidecar; pass \{ transport: PeerTransport\.PLAINTEXT \}/));
    const permissive = twoServices({ mtls: MtlsMode.PERMISSIVE });
    permissive.orders.allowFrom(Peer.ipBlock('203.0.113.0/24'), { ports: ['grpc'] });
    expect(problemsAt(permissive.mesh, 'test/api/orders')).toEqual([]);
  });

  test('malformed CIDRs and exceptions outside the block are reported', () => {
    const { mesh, orders } = twoServices();
    orders.allowFrom(Peer.ipBlock('10.0.0.0/33', { transport: PeerTransport.PLAINTEXT }), { ports: ['grpc'] });
    orders.allowFrom(Peer.ipBlock('10.1.0.0/16', { except: ['10.2.0.0/24'], transport: PeerTransport.PLAINTEXT }), { ports: ['grpc'] });
    const problems = problemsAt(mesh, 'test/api/orders');
    expect(problems).toContainEqual(expect.stringMatching(/ipBlock '10\.0\.0\.0\/33' is not a CIDR/));
    expect(problems).toContainEqual(expect.stringMatching(/except '10\.2\.0\.0\/24' of ipBlock '10\.1\.0\.0\/16' must be a CIDR strictly inside it/));
  });

  test('malformed platform CIDRs are reported on the mesh', () => {
    const mesh = testMesh({ dns: { cidrs: ['169.254.20.10'] }, apiServer: { cidrs: ['10.0.0.1/40'] } });
    const problems = problemsAt(mesh, 'test');
    expect(problems).toContainEqual(expect.stringMatching(/dns\.cidrs entry '169\.254\.20\.10' is not a CIDR/));
    expect(problems).toContainEqual(expect.stringMatching(/apiServer\.cidrs entry '10\.0\.0\.1\/40' is not a CIDR/));
  });

  test('two services sharing a ServiceAccount is a warning', () => {
    const mesh = testMesh();
    const ns = mesh.addNamespace('api');
    ns.addService('a', { serviceAccountName: 'shared' });
    ns.addService('b', { serviceAccountName: 'shared' });
    expect(problemsAt(mesh, 'test/api/b')).toEqual([expect.stringMatching(/^warning: shares ServiceAccount 'shared' with test\/api\/a/)]);
  });

  test('a selector that selects a subset of another service pods is an error', () => {
    const mesh = testMesh();
    const ns = mesh.addNamespace('api');
    ns.addService('orders', { selector: { app: 'orders' } });
    ns.addService('orders-canary', { selector: { app: 'orders', track: 'canary' } });
    ns.addService('billing', { selector: { team: 'billing' } });
    expect(problemsAt(mesh, 'test/api/orders-canary')).toEqual([
      expect.stringMatching(/^error: selector \{"app":"orders","track":"canary"\} selects only pods that the selector \{"app":"orders"\} of test\/api\/orders selects too/),
    ]);
    expect(problemsAt(mesh, 'test/api/billing')).toEqual([]);
  });

  test('an empty selector is an error', () => {
    const mesh = testMesh();
    mesh.addNamespace('api').addService('orders', { selector: {} });
    expect(problemsAt(mesh, 'test/api/orders')).toContainEqual(expect.stringMatching(/selector is empty, so it would select every pod of the namespace/));
  });

  test('a self edge is an error', () => {
    const { mesh, orders } = twoServices();
    orders.allowFrom(orders, { ports: ['grpc'] });
    expect(problemsAt(mesh, 'test/api/orders')).toContainEqual(expect.stringMatching(/allows itself/));
  });

  test('a grant in a namespace the mesh does not know is an error naming it', () => {
    const { mesh, client } = twoServices({ apiServer: { cidrs: ['10.0.0.1/32'] } });
    client.grantApi('billing', { resources: ['configmaps'], verbs: ['get'] });
    expect(problemsAt(mesh, 'test/api/client')).toEqual([
      "error: grants API access in namespace 'billing', which is not a namespace of this mesh, and the mesh writes Roles only in its own namespaces; "
        + "either add it with mesh.addNamespace('billing'), which puts all its pods under the mesh's default-deny policies (Ownership.EXTERNAL too: it only skips writing the Namespace object), "
        + 'so declare its services and who may call them as well; or keep it outside the mesh and write your own Role and RoleBinding there for ServiceAccount api/client '
        + "(the mesh mounts that ServiceAccount's token and opens the service's egress to the API server only if it holds a grant in a mesh namespace)",
    ]);
  });

  test('a grant without an API server address is an error', () => {
    const { mesh, api, client } = twoServices();
    client.grantApi(api, { resources: ['configmaps'], verbs: ['get'] });
    expect(problemsAt(mesh, 'test/api/client')).toContainEqual(expect.stringMatching(/set MeshProps\.apiServer\.cidrs/));
  });

  test('a peer from another mesh is an error', () => {
    const { mesh, orders } = twoServices();
    const other = new Mesh(Testing.app(), 'other');
    orders.allowFrom(other.addNamespace('x').addService('intruder'), { ports: ['grpc'] });
    expect(problemsAt(mesh, 'test/api/orders')).toContainEqual(expect.stringMatching(/peer other\/x\/intruder belongs to another Mesh/));
  });

  test('a service name that collides with a baseline object name is an error', () => {
    const mesh = testMesh();
    mesh.addNamespace('api').addService('namespace');
    expect(problemsAt(mesh, 'test/api/namespace')).toContainEqual(expect.stringMatching(/would name a policy 'namespace-egress'/));
  });

  test('GIVEN a container port the Istio sidecar takes WHEN validated THEN it is an error naming the port, the sidecar use and the scraper setting', () => {
    const mesh = testMesh();
    mesh.addNamespace('api').addService('orders', { ports: [
      MeshPort.http(9090, { name: 'http-metrics', containerPort: 15020 }), MeshPort.tcp(15006), MeshPort.udp(15001), MeshPort.udp(15053), MeshPort.grpc(15012),
    ] });
    const problems = problemsAt(mesh, 'test/api/orders');
    expect(problems).toContainEqual("error: container port 15020 of 'http-metrics' is the Istio sidecar's own (merged Prometheus metrics and rewritten health probes (istio-agent)) in every injected pod: the app cannot listen on it and Istio does not authorize it; give the container another port. To let Prometheus scrape the sidecar's metrics, set MeshProps.metricsScraper instead of declaring the port");
    expect(problems).toContainEqual("error: container port 15006 of 'tcp-15006' is the Istio sidecar's own (Envoy inbound (the iptables redirect target)) in every injected pod: the app cannot listen on it and Istio does not authorize it; give the container another port");
    // UDP: only the DNS proxy's port is the sidecar's; istiod's 15012 is no sidecar port.
    expect(problems).toContainEqual(expect.stringMatching(/^error: container port 15053 of 'udp-15053' is the Istio sidecar's own \(DNS proxy\)/));
    expect(problems.filter((p) => p.includes('sidecar'))).toHaveLength(3);
  });

  test('GIVEN a metrics scraper WHEN its settings are wrong THEN ports other than the sidecar metrics ports, no ports, empty labels and a mesh namespace are errors', () => {
    const mesh = testMesh({ metricsScraper: { namespace: 'monitoring', labels: {}, ports: [15020, 9090] } });
    mesh.addNamespace('monitoring');
    expect(problemsAt(mesh, 'test')).toEqual([
      "error: metricsScraper.labels is empty, which selects every pod of namespace 'monitoring'; give the labels of those pods, e.g. {\"app.kubernetes.io/name\":\"prometheus\"}",
      "error: metricsScraper.ports holds 9090, which is not a sidecar metrics port (15020 and 15090); an app's own metrics port is an edge: declare it on the service and allowFrom the scraper (Peer.namespace(...) with a sidecar, or a PLAINTEXT Peer.ipBlock of its pod CIDR)",
    ]);
    expect(problemsAt(mesh, 'test/monitoring')).toEqual([expect.stringMatching(/^error: namespace 'monitoring' hosts the platform \(DNS, control plane, gateway or metrics scraper\)/)]);
    expect(problemsAt(testMesh({ metricsScraper: { namespace: 'monitoring', ports: [] } }), 'test')).toEqual([expect.stringMatching(/^error: metricsScraper.ports is empty/)]);
  });

  test('declaring a platform namespace is an error', () => {
    const mesh = testMesh();
    mesh.addNamespace('kube-system');
    expect(problemsAt(mesh, 'test/kube-system')).toEqual([expect.stringMatching(/hosts the platform/)]);
  });

  test('all problems of a synth are reported together, each under its construct path', () => {
    const { mesh, orders, client } = twoServices();
    orders.allowFrom(client, { ports: ['nope'] });
    client.grantApi('ghost', { resources: ['pods'], verbs: ['get'] });
    mesh.addNamespace('Bad');
    let message = '';
    try {
      Testing.synth(mesh);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("[test/api/orders] allows service api/client on port 'nope'");
    expect(message).toContain("[test/api/client] grants API access in namespace 'ghost'");
    expect(message).toContain("[test/Bad] namespace name 'Bad'");
  });

  test('toManifests throws a MeshValidationError carrying every error', () => {
    const { mesh, orders, client } = twoServices();
    orders.allowFrom(client, { ports: ['nope'] });
    orders.allowFrom(orders, { ports: ['grpc'] });
    expect(() => mesh.toManifests()).toThrow(MeshValidationError);
    try {
      mesh.toManifests();
    } catch (e) {
      expect((e as MeshValidationError).problems.map((p) => p.severity)).toEqual([Severity.ERROR, Severity.ERROR]);
    }
  });

  test('nothing is written to the output directory when validation fails', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-invalid-'));
    const app = new App({ outdir });
    const mesh = new Mesh(app, 'broken');
    mesh.addNamespace('api').addService('orders', { ports: [MeshPort.tcp(0)] });
    expect(() => app.synth()).toThrow(/port 0/);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });
});

describe('validation: egress to IP blocks, grants, platform, and calls that declare nothing', () => {
  test('egress ports to an IP block are range-checked, and methods/paths on it are an error', () => {
    const { mesh, client } = twoServices();
    client.allowTo(Peer.ipBlock('203.0.113.0/24'), { ports: [MeshPort.tcp(0), MeshPort.udp(70000)] });
    client.allowTo(Peer.ipBlock('198.51.100.0/24'), { ports: [MeshPort.tcp(443)], methods: ['GET'] });
    const problems = problemsAt(mesh, 'test/api/client');
    expect(problems).toContainEqual("error: allows egress to ipBlock 203.0.113.0/24 on port 0, which is out of range; use an integer from 1 to 65535");
    expect(problems).toContainEqual("error: allows egress to ipBlock 203.0.113.0/24 on port 70000, which is out of range; use an integer from 1 to 65535");
    expect(problems).toContainEqual(expect.stringMatching(/^error: allows egress to ipBlock 198\.51\.100\.0\/24 with methods\/paths, which nothing enforces/));
  });

  test('grants: resources RBAC never matches are errors; verbs resourceNames cannot limit are warnings', () => {
    const mesh = testMesh({ apiServer: { cidrs: ['10.0.0.1/32'] } });
    const data = mesh.addNamespace('data');
    const api = mesh.addNamespace('api').addService('app');
    api.grantApi(data, { resources: ['Pods', 'deployments.apps', 'pods/log', '*/scale'], verbs: ['get', 'frobnicate'] });
    api.grantApi(data, { resources: ['secrets'], resourceNames: ['db'], verbs: ['create', 'list'] });
    const problems = problemsAt(mesh, 'test/api/app');
    expect(problems.filter((p) => p.startsWith('error'))).toEqual([
      "error: resource 'Pods' of the grant in 'data' never matches: RBAC compares the API's lowercase plural names exactly, without the group; write e.g. 'pods'",
      "error: resource 'deployments.apps' of the grant in 'data' never matches: RBAC compares the API's lowercase plural names exactly, without the group; write e.g. resources ['deployments'] with apiGroups ['apps']",
    ]);
    expect(problems.filter((p) => p.startsWith('warning'))).toEqual([
      expect.stringMatching(/^warning: verb 'create' of the grant in 'data' is limited to resourceNames, but create requests name no object/),
      expect.stringMatching(/^warning: verb 'frobnicate' of the grant in 'data' is not a Kubernetes API verb/),
      expect.stringMatching(/^warning: verb 'list' of the grant in 'data' with resourceNames only allows requests with fieldSelector metadata\.name/),
    ]);
  });

  test('a grant in a platform namespace says the mesh does not manage it (not "declare it")', () => {
    const mesh = testMesh({ apiServer: { cidrs: ['10.0.0.1/32'] } });
    mesh.addNamespace('api').addService('app').grantApi('kube-system', { resources: ['configmaps'], verbs: ['get'] });
    expect(problemsAt(mesh, 'test/api/app')).toEqual([expect.stringMatching(/^error: grants API access in namespace 'kube-system', which hosts the platform and is not managed by the mesh/)]);
  });

  test('platform settings: namespace names, the gateway ServiceAccount and empty label selectors are checked', () => {
    const mesh = testMesh({ ingressGateway: { namespace: 'Bad NS', serviceAccount: 'Bad SA' }, dns: { labels: {} } });
    const problems = problemsAt(mesh, 'test');
    expect(problems).toContainEqual("error: ingressGateway.namespace 'Bad NS' is not a namespace name (DNS-1123 label: at most 63 lowercase alphanumerics and '-')");
    expect(problems).toContainEqual(expect.stringMatching(/^error: ingressGateway\.serviceAccount 'Bad SA' is not a ServiceAccount name/));
    expect(problems).toContainEqual(`error: dns.labels is empty, which selects every pod of namespace 'kube-system'; give the labels of those pods, e.g. {"k8s-app":"kube-dns"}`);
  });

  test('two meshes of one app cannot declare the same namespace', () => {
    const app = Testing.app();
    const one = new Mesh(app, 'one');
    const two = new Mesh(app, 'two');
    one.addNamespace('web');
    two.addNamespace('web');
    expect(problemsAt(one, 'one/web')).toEqual([expect.stringMatching(/^error: namespace 'web' is also declared by mesh two; .*declare each namespace in one mesh only/)]);
    expect(problemsAt(two, 'two/web')).toEqual([expect.stringMatching(/^error: namespace 'web' is also declared by mesh one/)]);
  });

  test('a namespace peer that another mesh of the app manages is an error: that mesh\'s default-deny egress holds its pods back', () => {
    const app = Testing.app();
    const alpha = new Mesh(app, 'alpha');
    const beta = new Mesh(app, 'beta');
    beta.addNamespace('beta-ns');
    const api = alpha.addNamespace('api').addService('orders', { ports: [MeshPort.http(8080)] });
    api.allowFrom(Peer.namespace('beta-ns'));
    api.allowFrom(Peer.namespace('monitoring'));
    expect(problemsAt(alpha, 'alpha/api/orders')).toEqual([
      "error: peer namespace 'beta-ns' belongs to mesh beta, whose default-deny egress keeps its pods from calling here: this mesh cannot open it, so the edge could never work; declare both namespaces in one mesh, so that the edge gets both sides",
    ]);
  });

  test('GIVEN a second gateway WHEN its settings are wrong THEN the namespace, ServiceAccount and labels are reported at the service', () => {
    const { mesh, orders } = twoServices();
    orders.allowFrom(Peer.ingressGateway({ namespace: 'api', serviceAccount: 'Bad SA', labels: {} }), { ports: ['grpc'] });
    expect(problemsAt(mesh, 'test/api/orders')).toEqual([
      "error: gateway api/Bad SA runs in 'api', a namespace of this mesh, whose default-deny baseline would cut the gateway off; run gateways in a namespace of their own",
      "error: gateway api/Bad SA: labels are empty, which selects every pod of namespace 'api'; give the gateway pods' labels, e.g. { istio: 'internal-gateway' }",
      "error: gateway api/Bad SA: serviceAccount 'Bad SA' is not a ServiceAccount name (DNS-1123 subdomain); use the gateway pods' serviceAccountName",
    ]);
  });

  test('allowTo the gateway is reported with the other problems, not thrown', () => {
    const { mesh, client } = twoServices();
    client.allowTo(Peer.ingressGateway());
    expect(problemsAt(mesh, 'test/api/client')).toEqual([
      'error: allowTo accepts a mesh service, Peer.namespace(...) outside the mesh or Peer.ipBlock(...), not the ingress gateway; to let the ingress gateway call this service, use allowFrom',
    ]);
  });

  test('GIVEN allowTo a namespace WHEN it is the mesh\'s own, another mesh\'s, or lacks ports THEN each is an error with the fix', () => {
    const { mesh, api, client } = twoServices();
    const other = new Mesh(mesh.node.scope as App, 'beta');
    other.addNamespace('beta-ns');
    client.allowTo(api);
    client.allowTo(Peer.namespace('beta-ns'), { ports: [MeshPort.tcp(5432)] });
    client.allowTo(Peer.namespace('databases'));
    client.allowTo(Peer.namespace('databases'), { ports: ['postgres'], methods: ['GET'] });
    expect(problemsAt(mesh, 'test/api/client')).toEqual([
      "error: allowTo namespace 'api', a namespace of this mesh, whose pods let in only what allowFrom declares; declare the service it calls there and write <that service>.allowFrom(this), which opens both sides",
      "error: allowTo namespace 'beta-ns', which mesh beta manages: its default-deny ingress keeps this service out, and this mesh cannot open it; declare both namespaces in one mesh and use allowFrom",
      "error: allows egress to namespace databases on port 'postgres', but a namespace outside the mesh has no named ports here; pass MeshPort values of its container ports, e.g. MeshPort.tcp(5432)",
      'error: allows egress to namespace databases with methods/paths, which nothing enforces on traffic leaving the mesh (NetworkPolicy sees ports only); drop them, or route the traffic through an egress gateway',
      'error: allows egress to namespace databases without ports; pass { ports: [MeshPort.tcp(443)] } (all ports would need port 0, which the API server rejects)',
    ]);
  });

  test('a namespace or service declared twice, or an empty name, fails at once with the fix', () => {
    const mesh = testMesh();
    const api = mesh.addNamespace('api');
    api.addService('orders');
    expect(() => mesh.addNamespace('api')).toThrow("test: namespace 'api' is declared twice; keep the one the first addNamespace('api') returned and use it again");
    expect(() => api.addService('orders')).toThrow("test/api: service 'orders' is declared twice");
    expect(() => mesh.addNamespace('')).toThrow("test: addNamespace('') needs a namespace name, a DNS-1123 label such as 'web'");
  });

  test('methods that are no HTTP token and paths Istio takes literally are errors', () => {
    const { mesh, orders, client } = twoServices();
    orders.allowFrom(client, { ports: ['grpc'], methods: ['G ET', ''], paths: ['*/x*', '**', '/a?b', '/a b'] });
    const problems = problemsAt(mesh, 'test/api/orders');
    expect(problems).toContainEqual("error: method 'G ET' for service api/client is not an HTTP method; write one such as 'GET' or 'POST'");
    expect(problems).toContainEqual("error: method '' for service api/client is not an HTTP method; write one such as 'GET' or 'POST'");
    for (const bad of ['*/x*', '**', '/a?b', '/a b']) expect(problems).toContainEqual(expect.stringContaining(`path '${bad}' for service api/client is not Istio path syntax`));
  });

  test('the warnings of a failing declaration are in the error too', () => {
    const mesh = testMesh();
    const api = mesh.addNamespace('api');
    api.addService('a', { serviceAccountName: 'shared' });
    api.addService('b', { serviceAccountName: 'shared', ports: [MeshPort.tcp(0)] });
    expect(() => mesh.toManifests()).toThrow(/error\(s\):[\s\S]*port 0[\s\S]*and 1 warning\(s\):[\s\S]*shared/);
  });

  test('the platform settings are copied: changing the caller\'s arrays later changes nothing', () => {
    const cidrs = ['10.0.0.1/32'];
    const mesh = testMesh({ apiServer: { cidrs } });
    cidrs.push('garbage');
    expect(mesh.platform.apiServer.cidrs).toEqual(['10.0.0.1/32']);
  });
});

describe('validation messages name what the user wrote', () => {
  test('a mesh id that cannot be a label value is reported as the mesh id, with a usable one', () => {
    expect(problemsAt(testMesh({}, 'My Mesh'), 'My Mesh')).toEqual([expect.stringMatching(/^error: mesh id 'My Mesh' labels every object \(app\.kubernetes\.io\/part-of\).*e\.g\. 'my-mesh'/)]);
  });

  test('a port given as a string (from JavaScript) is shown as one', () => {
    const mesh = testMesh();
    mesh.addNamespace('api').addService('orders', { ports: [MeshPort.tcp('80' as unknown as number, { name: 'tcp-web' })] });
    expect(problemsAt(mesh, 'test/api/orders')).toContainEqual(`error: port "80" (a string) of 'tcp-web' is out of range; use an integer from 1 to 65535`);
  });

  test('an invalid service name is reported once, not again as its defaulted ServiceAccount name', () => {
    const mesh = testMesh();
    mesh.addNamespace('api').addService('Orders');
    expect(problemsAt(mesh, 'test/api/Orders')).toEqual([expect.stringMatching(/^error: service name 'Orders' is not a DNS-1035 label/)]);
  });
});
