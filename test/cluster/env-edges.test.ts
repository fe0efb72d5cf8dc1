import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCommand } from '../support/cluster-cli';

/**
 * A caller `web/client` whose one container has the given environment, and two servers:
 * `shop/orders` (Service port 80 "http" -> container port named "web" = 8080, 9090 "grpc-admin")
 * and `data/db` (5432 "tcp-postgres").
 */
function cluster(env: Record<string, string>): string {
  const deployment = (namespace: string, name: string, containerEnv: Record<string, string>, ports: unknown[] = []) => ({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { serviceAccountName: name, containers: [{ name: 'main', image: name, ports, env: Object.entries(containerEnv).map(([k, v]) => ({ name: k, value: v })) }] } },
    },
  });
  const service = (namespace: string, name: string, ports: unknown[]) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector: { app: name }, ports } });
  const objects = [
    ...['web', 'shop', 'data'].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
    deployment('web', 'client', env),
    deployment('shop', 'orders', {}, [{ name: 'web', containerPort: 8080 }, { containerPort: 9090 }]),
    service('shop', 'orders', [{ name: 'http', port: 80, targetPort: 'web' }, { name: 'grpc-admin', port: 9090 }]),
    deployment('data', 'db', {}, [{ containerPort: 5432 }]),
    service('data', 'db', [{ name: 'tcp-postgres', port: 5432 }]),
  ];
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-policy-env-')), 'cluster.json');
  fs.writeFileSync(file, JSON.stringify(objects));
  return file;
}

async function discovered(env: Record<string, string>) {
  const { code, stdout, stderr } = await runCommand('discover', [cluster(env)], { format: 'json' });
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  const scaffold = JSON.parse(stdout);
  return {
    edges: (scaffold.edges as Array<{ from: string; to: string; ports: string[] }>).map((e) => `${e.from} -> ${e.to} [${e.ports.join(',')}]`),
    unresolved: (scaffold.unresolved as Array<{ variable: string; value: string; reason: string }>).map((u) => `${u.variable}=${u.value}: ${u.reason}`),
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
