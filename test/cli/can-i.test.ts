import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expectBadInput, runCli as cli } from '../support/cli-run';

const DIST = path.resolve(__dirname, '../../dist/online-boutique.k8s.yaml');

/** The cartservice asking for the Secret main.ts grants it (Role + RoleBinding in data). */
const CART = ['--as', 'shop/cartservice', '--verb', 'get', '--resource', 'secrets', '--namespace', 'data'];

/** A folder with a ClusterRole of one rule, bound cluster-wide to the ServiceAccount "ns/name". */
function clusterRoleGrant(name: string, rule: object, serviceAccount: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-policy-can-i-'));
  const [namespace, account] = serviceAccount.split('/');
  const objects = [
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules: [rule] },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name }, subjects: [{ kind: 'ServiceAccount', name: account, namespace }],
    },
  ];
  fs.writeFileSync(path.join(dir, 'rbac.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
  return dir;
}

describe('mesh-policy can-i', () => {
  test('GIVEN dist/ WHEN the cartservice asks for its Secret with --format json THEN {"allowed":true,"reason"} and exit 0', async () => {
    const { code, stdout, stderr } = await cli('can-i', DIST, ...CART, '--name', 'redis-cart-auth', '--format', 'json');
    expect([code, stderr]).toEqual([0, '']);
    const parsed = JSON.parse(stdout);
    expect(Object.keys(parsed)).toEqual(['allowed', 'reason']);
    expect(parsed).toEqual({
      allowed: true,
      reason: 'RoleBinding data/api-access.shop.cartservice grants Role data/api-access.shop.cartservice: get secrets named redis-cart-auth',
    });
  });

  test('GIVEN dist/ WHEN the request is denied THEN it still exits 0, and the text output says no and why', async () => {
    const { code, stdout } = await cli('can-i', DIST, ...CART);
    expect(code).toBe(0);
    expect(stdout).toBe('no (no RBAC rule lets ServiceAccount shop/cartservice get secrets in namespace data; '
      + 'bindings that apply grant other access: RoleBinding data/api-access.shop.cartservice (Role data/api-access.shop.cartservice))\n');
  });

  test('GIVEN dist/ THEN text output of an allowed request starts with yes', async () => {
    expect((await cli('can-i', DIST, ...CART, '--name', 'redis-cart-auth')).stdout).toMatch(/^yes \(RoleBinding data\/api-access\.shop\.cartservice grants /);
  });

  test('GIVEN a ClusterRole of an API group THEN --group and a subresource select it; without --namespace the request is cluster-scoped', async () => {
    const dir = clusterRoleGrant('scaler', { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['update'] }, 'ops/autoscaler');
    const ask = async (...extra: string[]) => JSON.parse((await cli('can-i', dir, '--as', 'ops/autoscaler', '--verb', 'update', '--format', 'json', ...extra)).stdout).allowed;
    expect(await ask('--resource', 'deployments/scale', '--group', 'apps')).toBe(true);
    expect(await ask('--resource', 'deployments/scale', '--group', 'apps', '--namespace', 'shop')).toBe(true);
    expect(await ask('--resource', 'deployments', '--group', 'apps')).toBe(false);
    expect(await ask('--resource', 'deployments/scale')).toBe(false);
  });

  test('GIVEN --group with an empty value THEN it is the core API group, as without --group', async () => {
    const [explicit, implicit] = await Promise.all([cli('can-i', DIST, ...CART, '--name', 'redis-cart-auth', '--group='), cli('can-i', DIST, ...CART, '--name', 'redis-cart-auth')]);
    expect(explicit).toEqual(implicit);
    expect(explicit.stdout).toMatch(/^yes /);
  });
});

describe('mesh-policy can-i: non-resource URLs', () => {
  test('GIVEN a ClusterRole for /metrics bound cluster-wide WHEN --resource /metrics THEN yes, like kubectl auth can-i get /metrics', async () => {
    const dir = clusterRoleGrant('scraper', { nonResourceURLs: ['/metrics'], verbs: ['get'] }, 'monitoring/prometheus');
    const ask = async (url: string) => (await cli('can-i', dir, '--as', 'monitoring/prometheus', '--verb', 'get', '--resource', url)).stdout;
    expect(await ask('/metrics')).toBe('yes (ClusterRoleBinding scraper grants ClusterRole scraper: get /metrics)\n');
    expect(await ask('/healthz')).toBe('no (no RBAC rule lets ServiceAccount monitoring/prometheus get /healthz; '
      + 'bindings that apply grant other access: ClusterRoleBinding scraper (ClusterRole scraper))\n');
  });

  test('a non-resource URL with --namespace or --group is bad input', async () => {
    expectBadInput(await cli('can-i', DIST, '--as', 'a/b', '--verb', 'get', '--resource', '/healthz', '--namespace', 'shop', '--group', 'apps'),
      /--resource \/healthz is a non-resource URL, which has no --group, --namespace; leave them out/);
  });
});

describe('mesh-policy can-i: bad input exits 2 with one line', () => {
  const cases: Record<string, { argv: string[]; message: RegExp }> = {
    '--as without a slash': { argv: ['can-i', DIST, '--as', 'cartservice', '--verb', 'get', '--resource', 'secrets'], message: /--as must be a ServiceAccount as NAMESPACE\/NAME, got "cartservice"/ },
    'missing --verb': { argv: ['can-i', DIST, '--as', 'shop/cartservice', '--resource', 'secrets'], message: /can-i needs --as NAMESPACE\/SERVICEACCOUNT, --verb and --resource/ },
    'missing --as': { argv: ['can-i', DIST, '--verb', 'get', '--resource', 'secrets'], message: /can-i needs --as/ },
    'no manifest path': { argv: ['can-i', ...CART], message: /no manifest path given/ },
    'kubectl-style resource.group': { argv: ['can-i', DIST, '--as', 'a/b', '--verb', 'update', '--resource', 'deployments.apps/scale'], message: /give the API group with --group \(--resource deployments\/scale --group apps\)/ },
    'resource nested twice': { argv: ['can-i', DIST, '--as', 'a/b', '--verb', 'get', '--resource', 'pods/log/x'], message: /resource must be RESOURCE or RESOURCE\/SUBRESOURCE/ },
    'option of another command': { argv: ['can-i', DIST, ...CART, '--port', '80'], message: /option --port does not apply to can-i/ },
    'repeated --verb': { argv: ['can-i', DIST, ...CART, '--verb', 'list'], message: /option --verb given more than once/ },
    'bad format': { argv: ['can-i', DIST, ...CART, '--format', 'markdown'], message: /--format must be one of text, json/ },
    'a namespace that is no namespace name': {
      argv: ['can-i', DIST, '--as', 'shop/cartservice', '--verb', 'get', '--resource', 'secrets', '--namespace', 'Data'],
      message: /--namespace "Data" is not a namespace name \(DNS-1123 label\)/,
    },
    'a mesh option, which RBAC does not read': { argv: ['can-i', DIST, ...CART, '--trust-domain', 'corp.example'], message: /option --trust-domain does not apply to can-i/ },
  };
  test.each(Object.entries(cases))('%s', async (_, { argv, message }) => {
    expectBadInput(await cli(...argv), message);
  });

  test('--help lists can-i', async () => {
    expect((await cli('--help')).stdout).toContain('can-i <paths...> --as NS/SERVICEACCOUNT --verb V --resource R[/SUB]');
  });
});
