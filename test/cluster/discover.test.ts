import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { Testing } from 'cdk8s';
import type { Mesh } from '../../constructs';
import { deployed, manifestObjects } from '../support/boutique-cluster';
import { runCommand } from '../support/cluster-cli';
import { startFakeApiServer } from '../support/fake-apiserver';

const ROOT = path.resolve(__dirname, '../..');
const BOUTIQUE = path.resolve(ROOT, '../shared/fixtures/online-boutique/kubernetes-manifests.yaml');

/** Online Boutique's call graph (its `*_ADDR` variables), as `from -> to:port name`. */
const BOUTIQUE_CALLS = [
  'default/frontend -> default/productcatalogservice:grpc', 'default/frontend -> default/currencyservice:grpc',
  'default/frontend -> default/cartservice:grpc', 'default/frontend -> default/recommendationservice:grpc',
  'default/frontend -> default/shippingservice:grpc', 'default/frontend -> default/checkoutservice:grpc',
  'default/frontend -> default/adservice:grpc',
  'default/checkoutservice -> default/productcatalogservice:grpc', 'default/checkoutservice -> default/shippingservice:grpc',
  'default/checkoutservice -> default/paymentservice:grpc', 'default/checkoutservice -> default/emailservice:grpc',
  'default/checkoutservice -> default/currencyservice:grpc', 'default/checkoutservice -> default/cartservice:grpc',
  'default/recommendationservice -> default/productcatalogservice:grpc',
  'default/cartservice -> default/redis-cart:tcp-redis',
  'default/loadgenerator -> default/frontend:http',
].sort();

/** The same graph with container ports, as `Mesh.declaredAccess()` reports it. */
const BOUTIQUE_DECLARED = [
  'default/frontend -> default/productcatalogservice [3550]', 'default/frontend -> default/currencyservice [7000]',
  'default/frontend -> default/cartservice [7070]', 'default/frontend -> default/recommendationservice [8080]',
  'default/frontend -> default/shippingservice [50051]', 'default/frontend -> default/checkoutservice [5050]',
  'default/frontend -> default/adservice [9555]',
  'default/checkoutservice -> default/productcatalogservice [3550]', 'default/checkoutservice -> default/shippingservice [50051]',
  'default/checkoutservice -> default/paymentservice [50051]', 'default/checkoutservice -> default/emailservice [8080]',
  'default/checkoutservice -> default/currencyservice [7000]', 'default/checkoutservice -> default/cartservice [7070]',
  'default/recommendationservice -> default/productcatalogservice [3550]',
  'default/cartservice -> default/redis-cart [6379]',
  'default/loadgenerator -> default/frontend [8080]',
].sort();

interface Scaffold {
  source: string;
  clusterDomain: string;
  services: Array<{ namespace: string; name: string; selector: Record<string, string>; serviceAccountName: string; ports: Array<{ name: string; protocol: string; port: number; containerPort: number }> }>;
  edges: Array<{ from: string; to: string; ports: string[]; evidence: Array<{ workload: string; container: string; variable: string; address: string }> }>;
  unresolved: Array<{ workload: string; container: string; variable: string; address?: string; reason: string }>;
  gateways: Array<{ workload: string; namespace: string; serviceAccountName: string; labels: Record<string, string>; because: string; services: string[] }>;
  notes: string[];
}

const calls = (scaffold: Scaffold) => scaffold.edges.flatMap((e) => (e.ports.length > 0 ? e.ports : ['*']).map((p) => `${e.from} -> ${e.to}:${p}`)).sort();

async function discover(positionals: string[], options: Record<string, string | string[]> = {}) {
  return runCommand('discover', positionals, options);
}

async function discoverJson(positionals: string[], options: Record<string, string | string[]> = {}): Promise<Scaffold> {
  const { code, stdout, stderr } = await discover(positionals, { ...options, format: 'json' });
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(stdout) as Scaffold;
}

/** Type-checks a generated module as a user's strict project would, then loads it. */
function compileAndLoad(source: string): { declareMesh: (app: unknown) => Mesh } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-policy-discover-'));
  // The scaffold imports the published package and cdk8s; here they are this checkout's files.
  const file = path.join(dir, 'mesh.ts');
  fs.writeFileSync(file, source
    .replace("from 'cdk8s-mesh-policy'", `from ${JSON.stringify(path.join(ROOT, 'constructs'))}`)
    .replace("from 'cdk8s'", `from ${JSON.stringify(path.dirname(require.resolve('cdk8s/package.json')))}`));
  const options: ts.CompilerOptions = {
    strict: true, noUnusedLocals: true, noUnusedParameters: true, noImplicitReturns: true, target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, esModuleInterop: true, skipLibCheck: true, noEmit: true, types: [],
  };
  const program = ts.createProgram([file], options);
  const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file || !d.file);
  expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  const output = ts.transpileModule(fs.readFileSync(file, 'utf8'), { compilerOptions: { ...options, noEmit: false } }).outputText;
  fs.writeFileSync(path.join(dir, 'mesh.js'), output);
  return require(path.join(dir, 'mesh.js'));
}

describe('discover from manifests', () => {
  test('infers Online Boutique\'s call graph from its *_ADDR variables', async () => {
    // GIVEN Online Boutique's release manifests
    // WHEN discovering
    const scaffold = await discoverJson([BOUTIQUE]);
    // THEN the edges are exactly its calls, each on the named port of the dialed Service port
    expect(calls(scaffold)).toEqual(BOUTIQUE_CALLS);
    // AND each edge names the variable it came from
    expect(scaffold.edges.find((e) => e.from === 'default/cartservice')?.evidence)
      .toEqual([{ workload: 'default/cartservice', container: 'server', variable: 'REDIS_ADDR', address: 'redis-cart:6379' }]);
  });

  test('reports the address of a service that is not deployed as unresolved', async () => {
    const scaffold = await discoverJson([BOUTIQUE]);
    expect(scaffold.unresolved).toEqual([{
      workload: 'default/frontend', container: 'server', variable: 'SHOPPING_ASSISTANT_SERVICE_ADDR', address: 'shoppingassistantservice:80',
      reason: 'no Service shoppingassistantservice in namespace default',
    }]);
  });

  test('declares services with selector, ServiceAccount, protocol and container port', async () => {
    const scaffold = await discoverJson([BOUTIQUE]);
    const byName = new Map(scaffold.services.map((s) => [s.name, s]));
    expect(scaffold.services.map((s) => s.name)).toEqual([
      'adservice', 'cartservice', 'checkoutservice', 'currencyservice', 'emailservice', 'frontend', 'loadgenerator',
      'paymentservice', 'productcatalogservice', 'recommendationservice', 'redis-cart', 'shippingservice',
    ]);
    expect(byName.get('emailservice')).toMatchObject({ selector: { app: 'emailservice' }, serviceAccountName: 'emailservice', ports: [{ name: 'grpc', protocol: 'grpc', port: 5000, containerPort: 8080 }] });
    expect(byName.get('frontend')?.ports).toEqual([{ name: 'http', protocol: 'http', port: 80, containerPort: 8080 }]);
    expect(byName.get('redis-cart')).toMatchObject({ serviceAccountName: 'default', ports: [{ name: 'tcp-redis', protocol: 'tcp', port: 6379, containerPort: 6379 }] });
    // A workload that no Service selects calls only.
    expect(byName.get('loadgenerator')).toMatchObject({ selector: { app: 'loadgenerator' }, serviceAccountName: 'loadgenerator', ports: [] });
    // frontend-external selects the frontend's pods: one mesh service, and a note.
    expect(scaffold.notes).toContain('Service default/frontend-external selects the same pods as default/frontend: declared once, as frontend');
  });

  test('a bare Pod in an injected namespace is selected by its own labels, not those the injector adds', async () => {
    // GIVEN a Pod without controller in a namespace with istio-injection=enabled (the analyzer gives it
    // security.istio.io/tlsMode and service.istio.io/canonical-* labels, as the injector would)
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-policy-discover-')), 'pod.json');
    fs.writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'jobs', labels: { 'istio-injection': 'enabled' } } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'backup', namespace: 'jobs', labels: { app: 'backup', tier: 'ops' } }, spec: { containers: [{ name: 'main', image: 'backup:1' }] } },
    ] }));
    // WHEN discovering THEN the scaffold's selector is the pod's own labels
    const scaffold = await discoverJson([file]);
    expect(scaffold.services.find((s) => s.name === 'backup')?.selector).toEqual({ app: 'backup', tier: 'ops' });
  });

  test('the TypeScript scaffold compiles, synthesizes, and declares exactly the inferred edges', async () => {
    // GIVEN the TypeScript scaffold of Online Boutique
    const { code, stdout } = await discover([BOUTIQUE]);
    expect(code).toBe(0);
    expect(stdout).toContain('export function declareMesh(app: App): Mesh {');
    expect(stdout).toContain("  // checkoutservice: EMAIL_SERVICE_ADDR -> emailservice:5000\n  emailservice.allowFrom(checkoutservice, { ports: ['grpc'] });");
    expect(stdout).toContain('// - default/frontend (server) SHOPPING_ASSISTANT_SERVICE_ADDR -> shoppingassistantservice:80: no Service shoppingassistantservice in namespace default');
    // WHEN compiling it under strict settings and running it
    const { declareMesh } = compileAndLoad(stdout);
    const mesh = declareMesh(Testing.app());
    // THEN it synthesizes
    const manifests = Testing.synth(mesh);
    expect(manifests.filter((m) => m.kind === 'NetworkPolicy').length).toBeGreaterThan(0);
    // AND declares the inferred edges, no more
    const declared = mesh.declaredAccess().edges.map((e) => `${e.from.kind === 'service' ? `${e.from.namespace}/${e.from.name}` : e.from.kind} -> ${e.to} [${e.containerPorts.join(',')}]`);
    expect(declared.sort()).toEqual(BOUTIQUE_DECLARED);
  });

  test('--cluster-domain: the scaffold sets it as the Mesh\'s clusterDomain, and the default leaves the Mesh\'s props out', async () => {
    // GIVEN Online Boutique, discovered under the default domain and under another
    const [byDefault, custom, customJson] = await Promise.all([
      discover([BOUTIQUE]), discover([BOUTIQUE], { 'cluster-domain': 'corp.example' }), discoverJson([BOUTIQUE], { 'cluster-domain': 'corp.example' }),
    ]);
    // THEN the default reads like hand-written code, the other names its domain
    expect(byDefault.stdout).toContain("  const mesh = new Mesh(app, 'mesh');\n");
    expect(custom.stdout).toContain("  const mesh = new Mesh(app, 'mesh', { clusterDomain: 'corp.example' });\n");
    expect(customJson.clusterDomain).toBe('corp.example');
    // AND the module compiles, and its services' addresses are under that domain
    const mesh = compileAndLoad(custom.stdout).declareMesh(Testing.app());
    expect(mesh.platform.clusterDomain).toBe('corp.example');
    expect(mesh.services.find((service) => service.name === 'cartservice')?.fqdn).toBe('cartservice.default.svc.corp.example');
  });

  test('names valid in Kubernetes that the library refuses are replaced, with a comment, and the scaffold synthesizes', async () => {
    // GIVEN Service port names of 16 and 22 characters, a workload named worker.v2, and services named eval and arguments
    const service = (name: string, ports: object[]) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'shop' }, spec: { selector: { app: name }, ports } });
    const caller = (name: string, labels: Record<string, string>, env: Record<string, string>) => deployed('shop', name, {
      labels, serviceAccount: labels.app, containers: [{ name: 'main', image: 'caller', env: Object.entries(env).map(([key, value]) => ({ name: key, value })) }],
    });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-policy-discover-')), 'names.json');
    fs.writeFileSync(file, JSON.stringify([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
      ...deployed('shop', 'cartservice', { labels: { app: 'cartservice' }, serviceAccount: 'cartservice', ports: [{ containerPort: 7070 }, { containerPort: 7071 }] }),
      service('cartservice', [{ name: 'grpc-cartservice', port: 7070 }, { name: 'grpc-cartservice-admin', port: 7071 }]),
      ...deployed('shop', 'eval', { labels: { app: 'eval' }, serviceAccount: 'eval', ports: [{ containerPort: 8080 }] }),
      service('eval', [{ name: 'http', port: 80, targetPort: 8080 }]),
      ...caller('worker.v2', { app: 'worker', version: 'v2' }, { CART_ADDR: 'cartservice:7070', EVAL_URL: 'http://eval' }),
      ...caller('arguments', { app: 'arguments' }, { CART_ADMIN_ADDR: 'cartservice.shop:7071' }),
    ]));
    // WHEN scaffolding TypeScript
    const { code, stdout } = await discover([file]);
    expect(code).toBe(0);
    // THEN the names are ones the library takes (the protocol prefix kept), each with a comment
    expect(stdout).toContain("  // port grpc-cartservice of cartservice is declared as grpc-cartservic: the library wants IANA service names as port names "
      + "(at most 15 of a-z, 0-9 and '-', a letter among them, no '--')\n");
    expect(stdout).toContain("  // port grpc-cartservice-admin of cartservice is declared as grpc-7071: ");
    expect(stdout).toContain("ports: [MeshPort.grpc(7070, { name: 'grpc-cartservic' }), MeshPort.grpc(7071, { name: 'grpc-7071' })],");
    // AND the workload keeps its pods' own selector and ServiceAccount under a DNS-1035 name
    expect(stdout).toContain("  // worker.v2 is declared as worker-v2: mesh service names are DNS-1035 labels (lowercase letters, digits and '-', a letter first); "
      + "the selector and ServiceAccount below are its pods' own\n"
      + "  const workerV2 = shopNs.addService('worker-v2', {\n    selector: { app: 'worker', version: 'v2' },\n    serviceAccountName: 'worker',\n  });");
    // WHEN compiling it under strict settings (no variable named eval or arguments) and running it
    const { declareMesh } = compileAndLoad(stdout);
    const mesh = declareMesh(Testing.app());
    // THEN it synthesizes, with the edges on the renamed ports
    const manifests = Testing.synth(mesh);
    const cart = manifests.find((m) => m.kind === 'Service' && m.metadata.name === 'cartservice');
    expect(cart?.spec.ports.map((p: { name: string }) => p.name)).toEqual(['grpc-cartservic', 'grpc-7071']);
    const declared = mesh.declaredAccess().edges.map((e) => `${e.from.kind === 'service' ? `${e.from.namespace}/${e.from.name}` : e.from.kind} -> ${e.to} [${e.containerPorts.join(',')}]`);
    expect(declared.sort()).toEqual(['shop/arguments -> shop/cartservice [7071]', 'shop/worker-v2 -> shop/cartservice [7070]', 'shop/worker-v2 -> shop/eval [8080]']);
  });

  test('GIVEN a Service port for the sidecar\'s metrics (a ServiceMonitor\'s 15090) WHEN scaffolding THEN it is left out with a note, and the scaffold synthesizes', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-policy-discover-')), 'sidecar-port.json');
    fs.writeFileSync(file, JSON.stringify([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
      ...deployed('shop', 'cartservice', { labels: { app: 'cartservice' }, serviceAccount: 'cartservice', ports: [{ containerPort: 7070 }] }),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'cartservice', namespace: 'shop' }, spec: { selector: { app: 'cartservice' }, ports: [
        { name: 'grpc', port: 7070 }, { name: 'http-envoy-prom', port: 15090 },
      ] } },
    ]));
    const scaffold = await discoverJson([file]);
    expect(scaffold.services.find((s) => s.name === 'cartservice')!.ports.map((p) => p.containerPort)).toEqual([7070]);
    expect(scaffold.notes).toContainEqual(expect.stringMatching(/^Service shop\/cartservice port 15090 targets 15090, a port of the Istio sidecar .*left out.*metricsScraper$/));
    const { stdout } = await discover([file]);
    expect(compileAndLoad(stdout).declareMesh(Testing.app()).problems().filter((p) => p.severity === 'error')).toEqual([]);
  });

  test('the output does not depend on the order of the documents', async () => {
    // GIVEN the same manifests in reverse order
    const reversed = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-policy-discover-')), 'reversed.json');
    fs.writeFileSync(reversed, JSON.stringify(manifestObjects(BOUTIQUE).reverse()));
    // WHEN discovering both
    const [forward, backward] = await Promise.all([discover([BOUTIQUE]), discover([reversed])]);
    // THEN the scaffolds are the same but for the source line
    expect(backward.code).toBe(0);
    const body = (text: string) => text.split('\n').slice(1).join('\n');
    expect(body(backward.stdout)).toBe(body(forward.stdout));
  });

  test('--format must be ts or json', async () => {
    const { code, stderr } = await discover([BOUTIQUE], { format: 'yaml' });
    expect(code).toBe(2);
    expect(stderr).toBe('mesh-policy: --format must be one of ts, json, got "yaml"\n');
  });

  test.each([
    ['kubeconfig', '/tmp/kubeconfig'], ['context', 'prod'], ['request-timeout', '30s'],
  ])('--%s with manifest paths is bad input: the cluster would not be read', async (option, value) => {
    const { code, stdout, stderr } = await discover([BOUTIQUE], { [option]: value });
    expect([code, stdout]).toEqual([2, '']);
    expect(stderr).toBe(`mesh-policy: --${option} applies only when discover reads the cluster, that is without manifest paths (given: ${BOUTIQUE})\n`);
  });

  test('--trust-domain and --root-namespace do not apply: discover evaluates no Istio policy', async () => {
    for (const option of ['trust-domain', 'root-namespace']) {
      const { code, stderr } = await discover([BOUTIQUE], { [option]: 'example' });
      expect([code, stderr]).toEqual([2, `mesh-policy: option --${option} does not apply to discover\n`]);
    }
  });
});

describe('discover from a cluster', () => {
  test('reads the same graph from the live Deployments and Services', async () => {
    // GIVEN Online Boutique deployed (into `default`) behind a stand-in API server, next to the platform
    const server = await startFakeApiServer([
      ...['default', 'kube-system'].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
      ...manifestObjects(BOUTIQUE),
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'coredns', namespace: 'kube-system' }, spec: { selector: { matchLabels: { 'k8s-app': 'kube-dns' } }, template: { metadata: { labels: { 'k8s-app': 'kube-dns' } }, spec: { containers: [{ name: 'coredns', image: 'coredns' }] } } } },
    ]);
    try {
      // WHEN discovering without paths
      const scaffold = await discoverJson([], { kubeconfig: server.writeKubeconfig() });
      // THEN the edges and the unresolved address are those of the manifests
      expect(scaffold.source).toBe(`the cluster at ${server.url}`);
      expect(calls(scaffold)).toEqual(BOUTIQUE_CALLS);
      expect(scaffold.unresolved.map((u) => u.variable)).toEqual(['SHOPPING_ASSISTANT_SERVICE_ADDR']);
      // AND the platform namespace is left out, with a note
      expect(scaffold.services.every((s) => s.namespace === 'default')).toBe(true);
      expect(scaffold.notes).toContain('platform namespaces left out: kube-system (name them with --namespace to include them)');
      // AND it only read workloads, Services and ServiceAccounts, never policies
      expect(server.requests.filter((r) => /networkpolicies|authorizationpolicies|roles/.test(r))).toEqual([]);
    } finally {
      await server.close();
    }
  });

  describe('with --namespace', () => {
    // web/frontend calls shop/orders, which exists but is not read with --namespace web.
    const objects = [
      ...['web', 'shop'].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
      ...deployed('web', 'frontend', {
        labels: { app: 'frontend' }, serviceAccount: 'frontend',
        containers: [{ name: 'server', image: 'frontend', env: [{ name: 'ORDERS_ADDR', value: 'orders.shop:80' }, { name: 'ORDERS_URL', value: 'http://orders.shop.svc.cluster.local/api' }] }],
      }),
      ...deployed('shop', 'orders', { labels: { app: 'orders' }, serviceAccount: 'orders', ports: [{ containerPort: 8080 }] }),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'orders', namespace: 'shop' }, spec: { selector: { app: 'orders' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
    ];
    const reasons = (scaffold: Scaffold) => scaffold.unresolved.map((u) => `${u.variable}: ${u.reason}`);

    test('an address in a namespace that was not read is "not discovered", as from manifests', async () => {
      // GIVEN the objects behind a stand-in API server and in a file
      const server = await startFakeApiServer(objects);
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-policy-discover-')), 'objects.json');
      fs.writeFileSync(file, JSON.stringify(objects));
      try {
        // WHEN discovering namespace web from both
        const fromCluster = await discoverJson([], { kubeconfig: server.writeKubeconfig(), namespace: 'web' });
        const fromFiles = await discoverJson([file], { namespace: 'web' });
        // THEN both say the same
        expect(reasons(fromCluster)).toEqual(['ORDERS_ADDR: namespace shop is not discovered', 'ORDERS_URL: namespace shop is not discovered']);
        expect(fromCluster.unresolved).toEqual(fromFiles.unresolved);
      } finally {
        await server.close();
      }
    });

    test('a user who may not list namespaces gets the same reasons, and a note', async () => {
      // GIVEN an API server that refuses to list namespaces (getting one by name still works)
      const server = await startFakeApiServer(objects);
      server.forbid(/^\/api\/v1\/namespaces$/);
      try {
        // WHEN discovering namespace web
        const scaffold = await discoverJson([], { kubeconfig: server.writeKubeconfig(), namespace: 'web' });
        // THEN shop is taken for a namespace that was not read, and the notes say so
        expect(reasons(scaffold)).toEqual(['ORDERS_ADDR: namespace shop is not discovered', 'ORDERS_URL: namespace shop is not discovered']);
        expect(scaffold.notes.some((note) => note.startsWith("the cluster's namespaces were not listed ("))).toBe(true);
      } finally {
        await server.close();
      }
    });
  });

  test('reads ConfigMaps for envFrom and configMapKeyRef, never Secrets', async () => {
    // GIVEN the frontend's cart address moved from its template to a ConfigMap it takes with envFrom
    const objects = manifestObjects(BOUTIQUE).map((object: any) => {
      if (object.kind !== 'Deployment' || object.metadata.name !== 'frontend') return object;
      const copy = structuredClone(object);
      const container = copy.spec.template.spec.containers[0];
      container.env = container.env.filter((variable: { name: string }) => variable.name !== 'CART_SERVICE_ADDR');
      container.envFrom = [{ configMapRef: { name: 'frontend-addresses' } }];
      return copy;
    });
    const server = await startFakeApiServer([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } },
      ...objects,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'frontend-addresses', namespace: 'default' }, data: { CART_SERVICE_ADDR: 'cartservice:7070' } },
    ]);
    try {
      const scaffold = await discoverJson([], { kubeconfig: server.writeKubeconfig() });
      // THEN the edge is still found, with the ConfigMap as its evidence
      expect(calls(scaffold)).toEqual(BOUTIQUE_CALLS);
      const edge = scaffold.edges.find((e) => e.from === 'default/frontend' && e.to === 'default/cartservice');
      expect(edge?.evidence).toEqual([{ workload: 'default/frontend', container: 'server', variable: 'CART_SERVICE_ADDR', address: 'cartservice:7070', from: 'ConfigMap default/frontend-addresses' }]);
      expect(server.requests.some((r) => /\/configmaps/.test(r))).toBe(true);
      expect(server.requests.filter((r) => /secrets/.test(r))).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
