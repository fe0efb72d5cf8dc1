/**
 * Every object we emit is one a cluster accepts: Kubernetes kinds against kubernetes-models'
 * OpenAPI schemas and the API server's own rules, Istio kinds against their CRD's
 * openAPIV3Schema (see test/support/schemas.ts). The validator is first shown to reject invalid
 * objects, so that an empty problem list below means something.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Testing } from 'cdk8s';
import { Mesh, MeshPort, MtlsMode, Ownership, Peer, PeerTransport } from '../../constructs';
import { onlineBoutique } from '../../main';
import {
  compileCustomResourceSchema, crdVersions, describeProblems, emptyArrayPaths, KubeObject, readManifestFile, schemaProblems, typeKey,
} from '../support/schemas';

const DIST = path.join(__dirname, '..', '..', 'dist');
const MANAGED_BY = 'app.kubernetes.io/managed-by';
const ISTIO_KINDS = new Set(['security.istio.io/v1/AuthorizationPolicy', 'security.istio.io/v1/PeerAuthentication']);

const validNetworkPolicy = (): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'orders-ingress', namespace: 'shop' },
  spec: {
    podSelector: { matchLabels: { app: 'orders' } },
    policyTypes: ['Ingress'],
    ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }],
  },
});

const validAuthorizationPolicy = (): KubeObject => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { name: 'orders-allow', namespace: 'shop' },
  spec: {
    selector: { matchLabels: { app: 'orders' } },
    action: 'ALLOW',
    rules: [{ from: [{ source: { principals: ['cluster.local/ns/web/sa/web'] } }], to: [{ operation: { ports: ['8080'] } }] }],
  },
});

const validPeerAuthentication = (): KubeObject => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'PeerAuthentication',
  metadata: { name: 'orders-plaintext-ports', namespace: 'shop' },
  spec: { selector: { matchLabels: { app: 'orders' } }, portLevelMtls: { '8080': { mode: 'PERMISSIVE' } } },
});

const checkersOf = (objects: KubeObject[]) => [...new Set(schemaProblems(objects).map((p) => p.checker))].sort();
const messagesOf = (objects: KubeObject[]) => describeProblems(schemaProblems(objects));

describe('the validator', () => {
  test.each([
    ['NetworkPolicy', validNetworkPolicy],
    ['AuthorizationPolicy', validAuthorizationPolicy],
    ['PeerAuthentication', validPeerAuthentication],
  ])('GIVEN a valid %s WHEN validated THEN it has no problems', (_kind, object) => {
    expect(messagesOf([object()])).toEqual([]);
  });

  test('GIVEN a NetworkPolicy port 0 WHEN validated THEN the API-server rules reject it', () => {
    const policy = validNetworkPolicy();
    policy.spec.ingress[0].ports[0].port = 0;

    expect(messagesOf([policy])).toEqual(['[api-server] NetworkPolicy shop/orders-ingress: spec.ingress[0].ports[0].port 0 is not in 1-65535']);
  });

  test('GIVEN a NetworkPolicy protocol ICMP WHEN validated THEN the kubernetes-models schema rejects it', () => {
    const policy = validNetworkPolicy();
    policy.spec.ingress[0].ports[0].protocol = 'ICMP';

    expect(checkersOf([policy])).toEqual(['kubernetes-models']);
    expect(messagesOf([policy])[0]).toContain('/spec/ingress/0/ports/0/protocol must be equal to one of the allowed values');
  });

  test('GIVEN a NetworkPolicy except outside its cidr WHEN validated THEN it is rejected', () => {
    const policy = validNetworkPolicy();
    policy.spec.ingress[0].from = [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24'] } }];

    expect(messagesOf([policy])).toEqual([
      "[api-server] NetworkPolicy shop/orders-ingress: spec.ingress[0].from[0].ipBlock.except[0] '10.1.0.0/24' is not a strict subset of cidr '10.0.0.0/16'",
    ]);
  });

  test('GIVEN a Role rule without apiGroups WHEN validated THEN the API-server rules reject it', () => {
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', namespace: 'shop' }, rules: [{ apiGroups: [], resources: ['configmaps'], verbs: ['get'] }] };

    expect(messagesOf([role])).toEqual(['[api-server] Role shop/r: rules[0].apiGroups must name at least one value']);
  });

  test("GIVEN an AuthorizationPolicy with action 'BLOCK' WHEN validated THEN both the CRD schema and @kubernetes-models/istio reject it", () => {
    const policy = validAuthorizationPolicy();
    policy.spec.action = 'BLOCK';

    expect(checkersOf([policy])).toEqual(['@kubernetes-models/istio', 'istio-crd']);
    expect(messagesOf([policy])).toContain('[istio-crd] AuthorizationPolicy shop/orders-allow: /spec/action must be equal to one of the allowed values');
  });

  test('GIVEN an AuthorizationPolicy with a misspelt field WHEN validated THEN the closed CRD schema rejects it', () => {
    const policy = validAuthorizationPolicy();
    policy.spec.rules[0].from[0].source = { principal: ['cluster.local/ns/web/sa/web'] };

    expect(messagesOf([policy])).toEqual(["[istio-crd] AuthorizationPolicy shop/orders-allow: /spec/rules/0/from/0/source must NOT have additional properties 'principal'"]);
  });

  test('GIVEN an AuthorizationPolicy port given as a number WHEN validated THEN the CRD schema rejects it', () => {
    const policy = validAuthorizationPolicy();
    policy.spec.rules[0].to[0].operation.ports = [8080];

    expect(messagesOf([policy])).toContain('[istio-crd] AuthorizationPolicy shop/orders-allow: /spec/rules/0/to/0/operation/ports/0 must be string');
  });

  test('GIVEN a PeerAuthentication with portLevelMtls and no selector WHEN validated THEN the CRD CEL rule rejects it', () => {
    const peerAuthentication = validPeerAuthentication();
    delete peerAuthentication.spec.selector;

    expect(messagesOf([peerAuthentication])).toEqual(['[istio-crd] PeerAuthentication shop/orders-plaintext-ports: /spec portLevelMtls requires selector']);
  });

  test('GIVEN a PeerAuthentication port-level exception for port 0 WHEN validated THEN the CRD CEL rule rejects it', () => {
    const peerAuthentication = validPeerAuthentication();
    peerAuthentication.spec.portLevelMtls = { '0': { mode: 'PERMISSIVE' } };

    expect(messagesOf([peerAuthentication])).toEqual(['[istio-crd] PeerAuthentication shop/orders-plaintext-ports: /spec/portLevelMtls port must be between 1-65535']);
  });

  test('GIVEN an Istio object with the wrong apiVersion WHEN validated THEN it is rejected as an unknown kind', () => {
    const policy = { ...validAuthorizationPolicy(), apiVersion: 'security.istio.io/v2' };

    expect(messagesOf([policy])).toEqual(['[unknown-kind] AuthorizationPolicy shop/orders-allow: no schema known for security.istio.io/v2/AuthorizationPolicy; the validator must learn every kind that is emitted']);
  });

  test('GIVEN an object name with capitals WHEN validated THEN the API-server name rule rejects it', () => {
    const policy = validAuthorizationPolicy();
    policy.metadata.name = 'Orders';

    expect(messagesOf([policy])).toEqual(["[api-server] AuthorizationPolicy shop/Orders: metadata.name 'Orders' is not a DNS-1123 subdomain"]);
  });

  test('GIVEN an AuthorizationPolicy with empty arrays WHEN its spec is walked THEN each empty array is reported by path', () => {
    const policy = validAuthorizationPolicy();
    policy.spec.rules[0].from = [];
    policy.spec.rules[0].to[0].operation.methods = [];

    expect(emptyArrayPaths(policy.spec, 'spec')).toEqual(['spec.rules[0].from', 'spec.rules[0].to[0].operation.methods']);
  });

  test('GIVEN a CRD schema with a CEL rule the validator does not implement WHEN compiled THEN compilation fails', () => {
    const schema = { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-validations': [{ rule: 'self.size() > 1', message: 'm' }] } } };

    expect(() => compileCustomResourceSchema({ apiVersion: 'example.com/v1', kind: 'Cel', schema }))
      .toThrow('no JavaScript implementation of the CEL rule "self.size() > 1"');
  });

  test('GIVEN a CRD schema with an extension the validator does not know WHEN compiled THEN compilation fails', () => {
    const schema = { type: 'object', properties: { spec: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' } } };

    expect(() => compileCustomResourceSchema({ apiVersion: 'example.com/v1', kind: 'ListType', schema })).toThrow('unknown keyword: "x-kubernetes-list-type"');
  });

  test('GIVEN the PeerAuthentication CRD WHEN its served versions are compared THEN v1 and v1beta1 share one schema', () => {
    // Justifies checking a v1 PeerAuthentication with @kubernetes-models/istio's v1beta1 model.
    const v1 = crdVersions().get('security.istio.io/v1/PeerAuthentication');
    const v1beta1 = crdVersions().get('security.istio.io/v1beta1/PeerAuthentication');

    expect(v1).toBeDefined();
    expect(v1?.schema).toEqual(v1beta1?.schema);
  });
});

/** A mesh using every option of the public API; valid under both mTLS modes. */
function everyOptionMesh(app: App, mtls: MtlsMode): Mesh {
  const mesh = new Mesh(app, 'every-option', {
    mtls,
    clusterDomain: 'corp.example',
    trustDomain: 'corp.example',
    controlPlane: { namespace: 'istio-system', labels: { app: 'istiod' }, port: 15012, revision: '1-30-3' },
    dns: { namespace: 'kube-system', labels: { 'k8s-app': 'coredns' }, port: 53 },
    ingressGateway: { namespace: 'istio-ingress', serviceAccount: 'ingress-gateway', labels: { istio: 'ingress' } },
    apiServer: { cidrs: ['10.0.0.1/32', '10.0.0.2/32'], port: 6443 },
    labels: { 'example.com/team': 'platform' },
  });
  const web = mesh.addNamespace('web', { labels: { tier: 'edge' } });
  const shop = mesh.addNamespace('shop');
  const legacy = mesh.addNamespace('legacy', { ownership: Ownership.EXTERNAL });

  const frontend = web.addService('frontend', {
    ports: [MeshPort.http(80, { name: 'http', containerPort: 8080 }), MeshPort.http2(8443, { name: 'http2-admin' })],
  });
  const loadgen = web.addService('loadgen');
  const orders = shop.addService('orders', {
    ports: [MeshPort.grpc(50051), MeshPort.tcp(9090, { name: 'tcp-metrics', containerPort: 9091 })],
    selector: { app: 'orders', tier: 'backend' },
    serviceAccountName: 'orders-runtime',
  });
  const dnsCache = shop.addService('dns-cache', { ports: [MeshPort.udp(5353, { name: 'udp-dns' }), MeshPort.tcp(5353, { name: 'tcp-dns' })] });
  const mainframe = legacy.addService('mainframe', { ports: [MeshPort.tcp(3270, { name: 'tcp-tn3270' })], ownership: Ownership.EXTERNAL });

  frontend.allowFrom(Peer.ingressGateway(), { ports: ['http'], methods: ['GET', 'POST'], paths: ['/', '/static/*'] });
  frontend.allowFrom(loadgen);
  frontend.allowFrom(Peer.ipBlock('203.0.113.0/24', { except: ['203.0.113.128/25'], transport: PeerTransport.PLAINTEXT }), { ports: ['http'] });
  frontend.allowFrom(Peer.ipBlock('198.51.100.0/24', { transport: PeerTransport.MTLS }), { ports: [frontend.port('http2-admin')] });
  if (mtls === MtlsMode.PERMISSIVE) frontend.allowFrom(Peer.ipBlock('192.0.2.0/28'), { ports: ['http'] });
  orders.allowFrom(frontend, { ports: ['grpc-50051'], methods: ['POST'], paths: ['/shop.Orders/*'] });
  orders.allowFrom(Peer.namespace('monitoring'), { ports: ['tcp-metrics'] });
  orders.allowFrom(web, { ports: ['tcp-metrics'] });
  frontend.allowTo(dnsCache, { ports: ['udp-dns', 'tcp-dns'] });
  dnsCache.allowFrom(shop, { ports: ['udp-dns'] });
  mainframe.allowFrom(orders);
  orders.allowTo(Peer.ipBlock('192.0.2.0/24', { except: ['192.0.2.64/26'] }), { ports: [MeshPort.tcp(443)] });
  orders.allowTo(Peer.ipBlock('2001:db8::/32'), { ports: [MeshPort.tcp(443), MeshPort.udp(123)] });
  orders.grantApi(shop, { resources: ['configmaps'], resourceNames: ['orders-config'], verbs: ['get', 'watch'] });
  orders.grantApi(legacy, { apiGroups: ['apps'], resources: ['deployments', 'deployments/scale'], verbs: ['get', 'patch'] });
  mainframe.grantApi('shop', { apiGroups: ['', 'batch'], resources: ['jobs', 'pods'], verbs: ['list'] });
  return mesh;
}

/** Synthesizes as cdk8s would write it, without the UDP warnings on stderr. */
function synth(mesh: Mesh): KubeObject[] {
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return Testing.synth(mesh);
  } finally {
    stderr.mockRestore();
  }
}

/** Loads once, on first use inside a test (not at collection time). */
function memo<T>(load: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= load());
}

const distFiles = fs.readdirSync(DIST).filter((f) => f.endsWith('.k8s.yaml')).sort();
const strictOutput = memo(() => synth(everyOptionMesh(Testing.app(), MtlsMode.STRICT)));
const permissiveOutput = memo(() => synth(everyOptionMesh(Testing.app(), MtlsMode.PERMISSIVE)));
const outputs: Array<[string, () => KubeObject[]]> = [
  ...distFiles.map((file): [string, () => KubeObject[]] => [`dist/${file}`, memo(() => readManifestFile(path.join(DIST, file)))]),
  ['a synth of main.ts', memo(() => synth(onlineBoutique(Testing.app())))],
  ['a STRICT mesh using every option', strictOutput],
  ['a PERMISSIVE mesh using every option', permissiveOutput],
];

test('GIVEN the dist directory WHEN listed THEN it holds synthesized manifests to validate', () => {
  expect(distFiles).toContain('online-boutique.k8s.yaml');
});

describe.each(outputs)('%s', (_name, load) => {
  let objects: KubeObject[];
  beforeAll(() => {
    objects = load();
  });

  test('GIVEN its objects WHEN validated against their schemas THEN none has a problem', () => {
    expect(objects.length).toBeGreaterThan(0);
    expect(describeProblems(schemaProblems(objects))).toEqual([]);
  });

  test('GIVEN its objects WHEN their metadata is read THEN each has a name', () => {
    const unnamed = objects.filter((o) => typeof o.metadata?.name !== 'string' || o.metadata.name === '');
    expect(unnamed).toEqual([]);
  });

  test('GIVEN its objects WHEN their metadata is read THEN each but a Namespace has a namespace', () => {
    const misplaced = objects
      .filter((o) => (o.kind === 'Namespace') === (typeof o.metadata.namespace === 'string'))
      .map((o) => `${o.kind} ${o.metadata.name}: namespace ${String(o.metadata.namespace)}`);
    expect(misplaced).toEqual([]);
  });

  test(`GIVEN its objects WHEN their labels are read THEN each carries ${MANAGED_BY}: cdk8s-mesh-policy`, () => {
    const unlabelled = objects.filter((o) => o.metadata.labels?.[MANAGED_BY] !== 'cdk8s-mesh-policy').map((o) => `${o.kind} ${o.metadata.name}`);
    expect(unlabelled).toEqual([]);
  });

  test('GIVEN its Istio objects WHEN their specs are walked THEN no array is empty', () => {
    const istio = objects.filter((o) => ISTIO_KINDS.has(typeKey(o)));
    const empty = istio.flatMap((o) => emptyArrayPaths(o.spec, 'spec').map((at) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}: ${at}`));
    expect(istio.length).toBeGreaterThan(0);
    expect(empty).toEqual([]);
  });

  test('GIVEN its objects WHEN their identities are listed THEN no two share kind, namespace and name', () => {
    const identities = objects.map((o) => `${typeKey(o)} ${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(identities.filter((id, i) => identities.indexOf(id) !== i)).toEqual([]);
  });
});

describe('the every-option meshes', () => {
  const strict = strictOutput;
  const permissive = permissiveOutput;
  const any = (objects: KubeObject[], predicate: (o: KubeObject) => boolean) => objects.some(predicate);
  const networkPeers = (o: KubeObject): KubeObject[] => [...(o.spec?.ingress ?? []).flatMap((r: KubeObject) => r.from ?? []), ...(o.spec?.egress ?? []).flatMap((r: KubeObject) => r.to ?? [])];
  const networkPorts = (o: KubeObject): KubeObject[] => [...(o.spec?.ingress ?? []), ...(o.spec?.egress ?? [])].flatMap((r: KubeObject) => r.ports ?? []);

  // Guards for the schema tests above: they prove something only if these shapes were emitted.
  test.each<[string, () => KubeObject[], (o: KubeObject) => boolean]>([
    ['a PeerAuthentication with port-level exceptions (STRICT)', strict, (o) => o.kind === 'PeerAuthentication' && o.spec.portLevelMtls !== undefined],
    ['a namespace-wide PERMISSIVE PeerAuthentication', permissive, (o) => o.kind === 'PeerAuthentication' && o.spec.mtls?.mode === 'PERMISSIVE'],
    ['a Namespace labelled with the control-plane revision', strict, (o) => o.kind === 'Namespace' && o.metadata.labels['istio.io/rev'] === '1-30-3'],
    ['a NetworkPolicy ipBlock with except', strict, (o) => o.kind === 'NetworkPolicy' && networkPeers(o).some((p) => p.ipBlock?.except?.length > 0)],
    ['a NetworkPolicy IPv6 ipBlock', strict, (o) => o.kind === 'NetworkPolicy' && networkPeers(o).some((p) => p.ipBlock?.cidr === '2001:db8::/32')],
    ['a NetworkPolicy namespace peer', strict, (o) => o.kind === 'NetworkPolicy' && networkPeers(o).some((p) => p.namespaceSelector && !p.podSelector)],
    ['a NetworkPolicy UDP port', strict, (o) => o.kind === 'NetworkPolicy' && networkPorts(o).some((p) => p.protocol === 'UDP' && p.port === 5353)],
    ['a NetworkPolicy egress to port 443', strict, (o) => o.kind === 'NetworkPolicy' && (o.spec.egress ?? []).some((r: KubeObject) => r.ports?.some((p: KubeObject) => p.port === 443))],
    ['an AuthorizationPolicy source with ipBlocks and notIpBlocks', strict, (o) => o.kind === 'AuthorizationPolicy' && JSON.stringify(o.spec).includes('"notIpBlocks"')],
    ['an AuthorizationPolicy source with namespaces', strict, (o) => o.kind === 'AuthorizationPolicy' && JSON.stringify(o.spec).includes('"namespaces"')],
    ['an AuthorizationPolicy operation with methods and paths', strict, (o) => o.kind === 'AuthorizationPolicy' && JSON.stringify(o.spec).includes('"paths"')],
    ['a Role rule with resourceNames', strict, (o) => o.kind === 'Role' && o.rules.some((r: KubeObject) => r.resourceNames?.length > 0)],
    ['a Role rule with a named apiGroup', strict, (o) => o.kind === 'Role' && o.rules.some((r: KubeObject) => r.apiGroups.includes('apps'))],
    ['a Service with a UDP port', strict, (o) => o.kind === 'Service' && o.spec.ports.some((p: KubeObject) => p.protocol === 'UDP')],
  ])('GIVEN the output WHEN searched THEN it holds %s', (_what, objects, predicate) => {
    expect(any(objects(), predicate)).toBe(true);
  });

  test.each([
    ['the Namespace of an EXTERNAL namespace', (o: KubeObject) => o.kind === 'Namespace' && o.metadata.name === 'legacy'],
    ['the Service of an EXTERNAL service', (o: KubeObject) => o.kind === 'Service' && o.metadata.name === 'mainframe'],
    ['the ServiceAccount of an EXTERNAL service', (o: KubeObject) => o.kind === 'ServiceAccount' && o.metadata.name === 'mainframe'],
  ])('GIVEN the output WHEN searched THEN it leaves out %s', (_what, predicate) => {
    expect(any(strict(), predicate)).toBe(false);
  });
});

/**
 * Declarations whose output the cluster would reject (found by these tests, then fixed): each
 * must be either refused by validation naming the value, or produce valid output.
 */
describe('declarations the cluster would reject are caught', () => {
  function rejectedOrValid(offendingValue: string, declare: (mesh: Mesh) => void, id = 'shop', labels?: Record<string, string>): string[] {
    const mesh = new Mesh(Testing.app(), id, { apiServer: { cidrs: ['10.0.0.1/32'] }, labels });
    declare(mesh);
    let objects: KubeObject[];
    try {
      objects = synth(mesh);
    } catch (error) {
      if (String(error).includes(offendingValue)) return [];
      throw error;
    }
    return describeProblems(schemaProblems(objects));
  }
  const oneService = (mesh: Mesh) => mesh.addNamespace('shop').addService('orders', { ports: [MeshPort.grpc(50051)] });

  test('GIVEN a grant with apiGroups [] WHEN synthesized THEN it is rejected or valid (the API server rejects a Role rule without apiGroups)', () => {
    expect(rejectedOrValid('apiGroups', (mesh) => {
      const orders = oneService(mesh);
      orders.grantApi(orders.namespace, { apiGroups: [], resources: ['configmaps'], verbs: ['get'] });
    })).toEqual([]);
  });

  test("GIVEN MeshProps.labels with an invalid key WHEN synthesized THEN it is rejected or valid (every object would carry the label)", () => {
    expect(rejectedOrValid('team name', oneService, 'shop', { 'team name': 'platform' })).toEqual([]);
  });

  test('GIVEN a Mesh id that is not a label value WHEN synthesized THEN it is rejected or valid (it becomes app.kubernetes.io/part-of)', () => {
    expect(rejectedOrValid('Shop Mesh', oneService, 'Shop Mesh')).toEqual([]);
  });

  test('GIVEN Peer.namespace with an invalid namespace name WHEN synthesized THEN it is rejected or valid (it becomes a namespaceSelector label value)', () => {
    expect(rejectedOrValid('Team A', (mesh) => oneService(mesh).allowFrom(Peer.namespace('Team A')))).toEqual([]);
  });
});
