import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expectBadInput } from '../support/cli-run';
import { runCommand } from '../support/cluster-cli';

/** `web/cache`, a Service (6379 "tcp-redis") in the caller's own namespace, with its Deployment. */
const CACHE = [
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'cache', namespace: 'web' }, spec: { selector: { app: 'cache' }, ports: [{ name: 'tcp-redis', port: 6379 }] } },
  {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'cache', namespace: 'web' },
    spec: { selector: { matchLabels: { app: 'cache' } }, template: { metadata: { labels: { app: 'cache' } }, spec: { serviceAccountName: 'cache', containers: [{ name: 'redis', image: 'redis' }] } } },
  },
];

/**
 * A caller `web/client` whose one container has the given environment, and two servers:
 * `shop/orders` (Service port 80 "http" -> container port named "web" = 8080, 9090 "grpc-admin")
 * and `data/db` (5432 "tcp-postgres").
 */
function cluster(env: Record<string, string>, client: { env?: unknown[]; envFrom?: unknown[]; objects?: object[] } = {}): string {
  const literal = (containerEnv: Record<string, string>) => Object.entries(containerEnv).map(([k, v]) => ({ name: k, value: v }));
  const deployment = (namespace: string, name: string, container: object, ports: unknown[] = []) => ({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { serviceAccountName: name, containers: [{ name: 'main', image: name, ports, ...container }] } },
    },
  });
  const service = (namespace: string, name: string, ports: unknown[]) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector: { app: name }, ports } });
  const objects = [
    ...['web', 'shop', 'data'].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
    deployment('web', 'client', { env: [...literal(env), ...(client.env ?? [])], ...(client.envFrom ? { envFrom: client.envFrom } : {}) }),
    deployment('shop', 'orders', {}, [{ name: 'web', containerPort: 8080 }, { containerPort: 9090 }]),
    service('shop', 'orders', [{ name: 'http', port: 80, targetPort: 'web' }, { name: 'grpc-admin', port: 9090 }]),
    deployment('data', 'db', {}, [{ containerPort: 5432 }]),
    service('data', 'db', [{ name: 'tcp-postgres', port: 5432 }]),
    ...(client.objects ?? []),
  ];
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-policy-env-')), 'cluster.json');
  fs.writeFileSync(file, JSON.stringify(objects));
  return file;
}

async function discovered(env: Record<string, string>, client: Parameters<typeof cluster>[1] = {}, options: Record<string, string> = {}) {
  const { code, stdout, stderr } = await runCommand('discover', [cluster(env, client)], { ...options, format: 'json' });
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  const scaffold = JSON.parse(stdout);
  return {
    edges: (scaffold.edges as Array<{ from: string; to: string; ports: string[] }>).map((e) => `${e.from} -> ${e.to} [${e.ports.join(',')}]`),
    unresolved: (scaffold.unresolved as Array<{ variable: string; address?: string; reason: string }>).map((u) => `${u.variable}${u.address ? ` -> ${u.address}` : ''}: ${u.reason}`),
    evidence: (scaffold.edges as Array<{ evidence: Array<{ variable: string; address: string; from?: string }> }>)
      .flatMap((e) => e.evidence.map((x) => `${x.variable} -> ${x.address}${x.from ? ` from ${x.from}` : ''}`)),
    services: scaffold.services as Array<{ name: string; ports: Array<{ name: string; protocol: string; port: number; containerPort: number }> }>,
    notes: scaffold.notes as string[],
  };
}

describe('edges from environment variables', () => {
  test.each([
    ['svc.ns', 'orders.shop:80'],
    ['svc.ns.svc', 'orders.shop.svc:80'],
    ['svc.ns.svc.cluster.local', 'orders.shop.svc.cluster.local:80'],
    ['an http URL with a path', 'http://orders.shop.svc.cluster.local:80/api/v1'],
    ['an http URL without port (80)', 'http://orders.shop/api'],
  ])('%s resolves to the Service in that namespace, on the dialed port\'s name', async (_form, value) => {
    const { edges, unresolved } = await discovered({ ORDERS_URL: value });
    expect(edges).toEqual(['web/client -> shop/orders [http]']);
    expect(unresolved).toEqual([]);
  });

  test('a grpc:// URL maps the dialed port to its name', async () => {
    const { edges } = await discovered({ ADMIN: 'grpc://orders.shop:9090' });
    expect(edges).toEqual(['web/client -> shop/orders [grpc-admin]']);
  });

  test('a bare name resolves in the caller\'s namespace', async () => {
    // GIVEN `db` dialed from web, where there is no Service db
    const { edges, unresolved } = await discovered({ DB_ADDR: 'db:5432' });
    expect(edges).toEqual([]);
    expect(unresolved).toEqual(['DB_ADDR -> db:5432: no Service db in namespace web']);
  });

  test('X_HOST takes its port from X_PORT', async () => {
    const { edges } = await discovered({ DB_HOST: 'db.data', DB_PORT: '5432' });
    expect(edges).toEqual(['web/client -> data/db [tcp-postgres]']);
  });

  test('a host without port names every port of a multi-port Service, the only port of a single-port one', async () => {
    const { edges } = await discovered({ ORDERS_HOST: 'orders.shop', DB_HOST: 'db.data' });
    expect(edges).toEqual(['web/client -> data/db [tcp-postgres]', 'web/client -> shop/orders []']);
  });

  test('$(VAR) references are expanded as the kubelet does', async () => {
    const { edges } = await discovered({ DB_NS: 'data', DATABASE_URL: 'postgres://db.$(DB_NS):5432/app' });
    expect(edges).toEqual(['web/client -> data/db [tcp-postgres]']);
  });

  test('the scaffold shows the variable and the host:port inferred, never the rest of the value', async () => {
    // GIVEN values with credentials, options and paths beside the address, resolved and unresolved
    const file = cluster({
      DATABASE_URL: 'postgres://app:s3cret@db.data:5432/app',
      REDIS_ADDR: 'db.data:5432,password=hunter2,ssl=false',
      ORDERS_URL: 'http://orders.shop/v1?token=s3cr3t',
      API_URL: 'https://user:pa55@api.example.com/v2?key=k3y',
    });
    // WHEN scaffolding TypeScript
    const { code, stdout } = await runCommand('discover', [file], {});
    // THEN comments name the variable and the address only
    expect(code).toBe(0);
    expect(stdout).toContain('  // client: DATABASE_URL -> db.data:5432\n  // client: REDIS_ADDR -> db.data:5432\n');
    expect(stdout).toContain('  // client: ORDERS_URL -> orders.shop:80\n');
    expect(stdout).toContain('// - web/client (main) API_URL -> api.example.com:443: not a cluster Service name (outside the cluster?)\n');
    for (const secret of ['s3cret', 'hunter2', 'ssl=false', 's3cr3t', 'pa55', 'k3y', '/app', '/v1', '/v2']) expect(stdout).not.toContain(secret);
  });

  test.each([
    ['a JDBC URL', 'jdbc:postgresql://db.data:5432/orders', 'web/client -> data/db [tcp-postgres]'],
    ['a JDBC URL without port (the scheme\'s)', 'jdbc:postgresql://db.data/orders', 'web/client -> data/db [tcp-postgres]'],
    ['a gRPC dns:/// target', 'dns:///orders.shop:9090', 'web/client -> shop/orders [grpc-admin]'],
    ['a gRPC dns://authority/ target (the authority is a DNS server)', 'dns://10.0.0.10:53/orders.shop:9090', 'web/client -> shop/orders [grpc-admin]'],
  ])('%s resolves', async (_form, value, edge) => {
    const { edges, unresolved } = await discovered({ TARGET: value });
    expect(edges).toEqual([edge]);
    expect(unresolved).toEqual([]);
  });

  test('addresses that name no Service of the scaffold are unresolved with the reason, IPv6 ones too', async () => {
    const { edges, unresolved } = await discovered({
      CART_ADDR: '[fd00::1]:7070', DB_HOST: 'fd00::2', CACHE_HOST: '10.0.0.5', GRPC_TARGET: 'dns:///grpc.data:50051', JDBC_URL: 'jdbc:mysql://mysql.data/orders',
      ORDERS_ADDR: 'orders.shop:70000', CALLBACK_URL: 'http://$(PUBLIC_HOST)/done',
    });
    expect(edges).toEqual([]);
    expect(unresolved).toEqual([
      'CACHE_HOST -> 10.0.0.5: an IP address, not a Service name',
      'CALLBACK_URL -> $(PUBLIC_HOST):80: $(PUBLIC_HOST) is left as written by the kubelet, which expands no such variable here',
      'CART_ADDR -> [fd00::1]:7070: an IP address, not a Service name',
      'DB_HOST -> [fd00::2]: an IP address, not a Service name',
      'GRPC_TARGET -> grpc.data:50051: no Service grpc in namespace data',
      'JDBC_URL -> mysql.data:3306: no Service mysql in namespace data',
      'ORDERS_ADDR -> orders.shop:70000: port 70000 is out of range',
    ]);
  });

  test('names resolve under the cluster domain cluster.local only, which the notes say', async () => {
    // GIVEN a Service name under another domain, and one written as an absolute name
    const { edges, unresolved, notes } = await discovered({ ORDERS_ADDR: 'orders.shop.svc.corp.example.com:80', DB_ADDR: 'db.data.svc.cluster.local.:5432' });
    // THEN only the name under cluster.local is the Service
    expect(edges).toEqual(['web/client -> data/db [tcp-postgres]']);
    expect(unresolved).toEqual(['ORDERS_ADDR -> orders.shop.svc.corp.example.com:80: not under the cluster domain cluster.local (--cluster-domain): a name outside the cluster']);
    expect(notes).toContain('addresses were resolved under the cluster domain cluster.local (the Mesh\'s default clusterDomain); '
      + 'in a cluster with another (kubelet --cluster-domain), names under it are listed as unresolved: run discover again with --cluster-domain');
  });

  describe('--cluster-domain', () => {
    test.each([
      ['svc.ns.svc.<domain>', 'orders.shop.svc.corp.example:80'],
      ['an absolute svc.ns.svc.<domain>.', 'orders.shop.svc.corp.example.:80'],
      ['a URL under the domain', 'http://orders.shop.svc.corp.example/api'],
      ['svc.ns.svc (the search path completes it)', 'orders.shop.svc:80'],
      ['svc.ns', 'orders.shop:80'],
    ])('GIVEN the domain corp.example WHEN %s is dialed THEN it is the Service', async (_form, value) => {
      const { edges, unresolved } = await discovered({ ORDERS_URL: value }, {}, { 'cluster-domain': 'corp.example' });
      expect(edges).toEqual(['web/client -> shop/orders [http]']);
      expect(unresolved).toEqual([]);
    });

    test('GIVEN another domain THEN names under cluster.local are outside the cluster: the search path and the cluster DNS hold only the cluster\'s domain', async () => {
      // GIVEN the same Service, dialed under cluster.local and under the cluster's own domain
      const { edges, unresolved, notes } = await discovered(
        { ORDERS_ADDR: 'orders.shop.svc.cluster.local:80', DB_URL: 'postgres://db.data.svc.corp.example:5432/app' }, {}, { 'cluster-domain': 'corp.example' });
      // THEN only the name under corp.example is an edge, and the other says why not
      expect(edges).toEqual(['web/client -> data/db [tcp-postgres]']);
      expect(unresolved).toEqual(['ORDERS_ADDR -> orders.shop.svc.cluster.local:80: not under the cluster domain corp.example (--cluster-domain): a name outside the cluster']);
      expect(notes).toContain('addresses were resolved under the cluster domain corp.example (--cluster-domain), which the scaffold sets as the Mesh\'s clusterDomain; '
        + 'names under cluster.local or another domain leave the cluster and are listed as unresolved');
    });

    test('GIVEN another domain THEN the kubelet\'s Service variables name Services under it, and resolve', async () => {
      // GIVEN the address built from $(CACHE_SERVICE_HOST), which discover writes as the Service's DNS name
      const { edges, unresolved } = await discovered({ CACHE_ADDR: '$(CACHE_SERVICE_HOST):6379' }, { objects: CACHE }, { 'cluster-domain': 'corp.example' });
      // THEN it is the Service (a name under cluster.local would be outside this cluster)
      expect(edges).toEqual(['web/client -> web/cache [tcp-redis]']);
      expect(unresolved).toEqual([]);
    });

    test.each([
      ['upper case', 'Cluster.Local'],
      ['a trailing dot', 'cluster.local.'],
      ['a blank', 'corp example'],
      ['a label starting with -', '-corp.example'],
      ['a URL', 'https://corp.example'],
    ])('GIVEN a domain with %s THEN exit 2 with one line that says what a domain is', async (_case, domain) => {
      const result = await runCommand('discover', [cluster({})], { 'cluster-domain': domain });
      expectBadInput(result, /^mesh-policy: --cluster-domain .* is not a DNS domain \(a lowercase RFC 1123 subdomain must .*\); give the kubelet's --cluster-domain, e\.g\. cluster\.local\n$/);
      expect(result.stderr).toContain(`--cluster-domain ${JSON.stringify(domain)} is not a DNS domain`);
    });
  });

  test('any variable may name a URL or host:port; a bare host or a name:port without dot counts only in address variables', async () => {
    // GIVEN addresses in variables not named as addresses, a user:pin pair, and a bare host
    const { edges, unresolved } = await discovered({ UPSTREAMS: 'orders.shop:80 db.data:5432', BACKEND: 'cache:6379', CREDENTIALS: 'admin:1234', ORDERS: 'orders.shop' }, { objects: CACHE });
    // THEN the addresses are edges (cache:6379 because web has a Service cache), the rest is no address
    expect(edges).toEqual(['web/client -> data/db [tcp-postgres]', 'web/client -> shop/orders [http]', 'web/client -> web/cache [tcp-redis]']);
    expect(unresolved).toEqual([]);
  });

  test('a port the Service does not serve, an external host and an IP are unresolved', async () => {
    const { edges, unresolved } = await discovered({ ORDERS_ADDR: 'orders.shop:8080', API_URL: 'https://api.example.com/v1', CACHE_ADDR: '10.0.0.5:6379' });
    expect(edges).toEqual([]);
    expect(unresolved).toEqual([
      'API_URL -> api.example.com:443: not a cluster Service name (outside the cluster?)',
      'CACHE_ADDR -> 10.0.0.5:6379: an IP address, not a Service name',
      'ORDERS_ADDR -> orders.shop:8080: Service shop/orders has no port 8080',
    ]);
  });

  test('values that are not addresses are ignored', async () => {
    const { edges, unresolved } = await discovered({ PORT: '8080', START: '12:30', LOG_LEVEL: 'debug', LISTEN_ADDR: 'localhost:8080', JAVA_OPTS: '-Xmx512m' });
    expect(edges).toEqual([]);
    expect(unresolved).toEqual([]);
  });

  test('a named targetPort resolves through the selected pods\' container ports', async () => {
    const { services } = await discovered({});
    expect(services.find((s) => s.name === 'orders')?.ports).toEqual([
      { name: 'http', protocol: 'http', port: 80, containerPort: 8080 },
      { name: 'grpc-admin', protocol: 'grpc', port: 9090, containerPort: 9090 },
    ]);
  });
});

// The container environment as the kubelet builds it (pkg/kubelet/kubelet_pods.go, makeEnvironmentVariables;
// API reference: Container.envFrom, EnvVarSource.configMapKeyRef).
describe('edges from ConfigMaps in the environment', () => {
  const configMap = (namespace: string, name: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data });

  test('envFrom: every key of the ConfigMap is a variable, with the source\'s prefix', async () => {
    const { edges, evidence } = await discovered({}, {
      envFrom: [{ configMapRef: { name: 'addresses' } }, { prefix: 'LEGACY_', configMapRef: { name: 'legacy' } }],
      objects: [configMap('web', 'addresses', { ORDERS_ADDR: 'orders.shop:80' }), configMap('web', 'legacy', { DB_URL: 'postgres://db.data:5432/app' })],
    });
    expect(edges).toEqual(['web/client -> data/db [tcp-postgres]', 'web/client -> shop/orders [http]']);
    expect(evidence).toEqual(['LEGACY_DB_URL -> db.data:5432 from ConfigMap web/legacy', 'ORDERS_ADDR -> orders.shop:80 from ConfigMap web/addresses']);
  });

  test('env overrides envFrom, a later envFrom source an earlier one, and env may refer to envFrom variables', async () => {
    const { edges } = await discovered({ DB_URL: 'postgres://db.$(DB_NAMESPACE):5432/app' }, {
      envFrom: [{ configMapRef: { name: 'first' } }, { configMapRef: { name: 'second' } }],
      objects: [
        configMap('web', 'first', { ORDERS_ADDR: 'orders.shop:9999', DB_URL: 'postgres://elsewhere:5432/app', DB_NAMESPACE: 'data' }),
        configMap('web', 'second', { ORDERS_ADDR: 'orders.shop:9090' }),
      ],
    });
    expect(edges).toEqual(['web/client -> data/db [tcp-postgres]', 'web/client -> shop/orders [grpc-admin]']);
  });

  test('configMapKeyRef takes one key, from a ConfigMap of the pod\'s own namespace', async () => {
    const { edges, evidence, unresolved } = await discovered({}, {
      env: [
        { name: 'ORDERS_ADDR', valueFrom: { configMapKeyRef: { name: 'addresses', key: 'orders' } } },
        { name: 'DB_ADDR', valueFrom: { configMapKeyRef: { name: 'elsewhere', key: 'db' } } },
      ],
      objects: [configMap('web', 'addresses', { orders: 'orders.shop:80' }), configMap('shop', 'elsewhere', { db: 'db.data:5432' })],
    });
    expect(edges).toEqual(['web/client -> shop/orders [http]']);
    expect(evidence).toEqual(['ORDERS_ADDR -> orders.shop:80 from ConfigMap web/addresses key orders']);
    expect(unresolved).toEqual(['DB_ADDR: the value is set from ConfigMap web/elsewhere key db, which was not found']);
  });

  test('a later envFrom Secret may set what an envFrom ConfigMap sets: no edge from the ConfigMap\'s value, the variable is unresolved', async () => {
    // GIVEN PAYMENT_ADDR in a ConfigMap, then an envFrom Secret, which the kubelet lets win for the keys it holds
    const { edges, unresolved } = await discovered({}, {
      envFrom: [{ configMapRef: { name: 'addresses' } }, { secretRef: { name: 'payment' } }],
      objects: [configMap('web', 'addresses', { PAYMENT_ADDR: 'orders.shop:9090' })],
    });
    expect(edges).toEqual([]);
    expect(unresolved).toEqual(['PAYMENT_ADDR -> orders.shop:9090: the value is possibly set by envFrom Secret web/payment, listed after ConfigMap web/addresses (Secrets are not read)']);
  });

  test('env overrides every envFrom source, Secrets included', async () => {
    const { edges, unresolved } = await discovered({ PAYMENT_ADDR: 'orders.shop:9090' }, {
      envFrom: [{ configMapRef: { name: 'addresses' } }, { secretRef: { name: 'payment' } }],
      objects: [configMap('web', 'addresses', { PAYMENT_ADDR: 'db.data:5432' })],
    });
    expect(edges).toEqual(['web/client -> shop/orders [grpc-admin]']);
    expect(unresolved).toEqual([]);
  });

  test('an envFrom Secret with a prefix may set only the variables with that prefix', async () => {
    const { edges, unresolved } = await discovered({}, {
      envFrom: [{ configMapRef: { name: 'addresses' } }, { prefix: 'DB_', secretRef: { name: 'db' } }],
      objects: [configMap('web', 'addresses', { ORDERS_ADDR: 'orders.shop:80', DB_ADDR: 'db.data:5432' })],
    });
    expect(edges).toEqual(['web/client -> shop/orders [http]']);
    expect(unresolved).toEqual(['DB_ADDR -> db.data:5432: the value is possibly set by envFrom Secret web/db, listed after ConfigMap web/addresses (Secrets are not read)']);
  });

  test('an address built from a Secret\'s variable is unresolved, and so is an address variable set from a Secret', async () => {
    const { edges, unresolved } = await discovered({}, {
      env: [
        { name: 'DB_HOST', valueFrom: { secretKeyRef: { name: 'db', key: 'host' } } },
        { name: 'DATABASE_URL', value: 'postgres://$(DB_HOST):5432/app' },
      ],
    });
    expect(edges).toEqual([]);
    expect(unresolved).toEqual([
      'DATABASE_URL -> $(DB_HOST):5432: the value is built from $(DB_HOST), which is set from Secret web/db key host (Secrets are not read)',
      'DB_HOST: the value is set from Secret web/db key host (Secrets are not read)',
    ]);
  });

  test('$(VAR) expands the kubelet\'s Service variables of the pod\'s namespace, and $$ is a literal $', async () => {
    const { edges, unresolved } = await discovered({ CACHE_ADDR: '$(CACHE_SERVICE_HOST):$(CACHE_SERVICE_PORT_TCP_REDIS)', LITERAL_ADDR: '$$(CACHE_SERVICE_HOST):6379' }, { objects: CACHE });
    expect(edges).toEqual(['web/client -> web/cache [tcp-redis]']);
    expect(unresolved).toEqual(['LITERAL_ADDR -> $(CACHE_SERVICE_HOST):6379: $(CACHE_SERVICE_HOST) is left as written by the kubelet, which expands no such variable here']);
  });

  test('a variable set from a Secret hides the envFrom value of the same name, and keys that are no variable names are skipped', async () => {
    const { edges } = await discovered({}, {
      envFrom: [{ configMapRef: { name: 'addresses' } }],
      env: [{ name: 'DB_ADDR', valueFrom: { secretKeyRef: { name: 'db', key: 'address' } } }],
      objects: [configMap('web', 'addresses', { DB_ADDR: 'db.data:5432', '1ORDERS_ADDR': 'orders.shop:80' })],
    });
    expect(edges).toEqual([]);
  });
});
