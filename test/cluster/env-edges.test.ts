import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCommand } from '../support/cluster-cli';

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

async function discovered(env: Record<string, string>, client: Parameters<typeof cluster>[1] = {}) {
  const { code, stdout, stderr } = await runCommand('discover', [cluster(env, client)], { format: 'json' });
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  const scaffold = JSON.parse(stdout);
  return {
    edges: (scaffold.edges as Array<{ from: string; to: string; ports: string[] }>).map((e) => `${e.from} -> ${e.to} [${e.ports.join(',')}]`),
    unresolved: (scaffold.unresolved as Array<{ variable: string; value: string; reason: string }>).map((u) => `${u.variable}=${u.value}: ${u.reason}`),
    evidence: (scaffold.edges as Array<{ evidence: Array<{ variable: string; value: string; from?: string }> }>)
      .flatMap((e) => e.evidence.map((x) => `${x.variable}=${x.value}${x.from ? ` from ${x.from}` : ''}`)),
    services: scaffold.services as Array<{ name: string; ports: Array<{ name: string; protocol: string; port: number; containerPort: number }> }>,
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
    expect(unresolved).toEqual(['DB_ADDR=db:5432: no Service db in namespace web']);
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

  test('credentials in URLs are not copied into the scaffold', async () => {
    const { code, stdout } = await runCommand('discover', [cluster({ DATABASE_URL: 'postgres://app:s3cret@db.data:5432/app' })], {});
    expect(code).toBe(0);
    expect(stdout).toContain('// client: DATABASE_URL=postgres://***@db.data:5432/app');
    expect(stdout).not.toContain('s3cret');
  });

  test('a port the Service does not serve, an external host and an IP are unresolved', async () => {
    const { edges, unresolved } = await discovered({ ORDERS_ADDR: 'orders.shop:8080', API_URL: 'https://api.example.com/v1', CACHE_ADDR: '10.0.0.5:6379' });
    expect(edges).toEqual([]);
    expect(unresolved).toEqual([
      'API_URL=https://api.example.com/v1: not a cluster Service name (outside the cluster?)',
      'CACHE_ADDR=10.0.0.5:6379: an IP address, not a Service name',
      'ORDERS_ADDR=orders.shop:8080: Service shop/orders has no port 8080',
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
    expect(evidence).toEqual(['LEGACY_DB_URL=postgres://db.data:5432/app from ConfigMap web/legacy', 'ORDERS_ADDR=orders.shop:80 from ConfigMap web/addresses']);
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
    expect(evidence).toEqual(['ORDERS_ADDR=orders.shop:80 from ConfigMap web/addresses key orders']);
    expect(unresolved).toEqual([]);
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
