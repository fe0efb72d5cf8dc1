import * as fs from 'fs';
import * as path from 'path';
import { LIST_LIMIT } from '../../analyzer/report/layer-diff';
import { withSetting } from '../analyzer/support';
import { parseRequestTimeout } from '../../cli/cluster/cluster-options';
import { DIST, boutiqueCluster } from '../support/boutique-cluster';
import { CommandResult, runCommand } from '../support/cluster-cli';
import { FakeApiServer, startFakeApiServer } from '../support/fake-apiserver';

/** The JSON report of `audit`, as far as the tests read it. */
interface Report {
  clean: boolean;
  namespaces: string[];
  drift: Array<{ status: string; kind: string; namespace?: string; name: string; changes?: Array<{ path: string; intent?: unknown; live?: unknown }> }>;
  access: { workloads: number; overPermissive: Edge[]; underPermissive: Edge[]; widened: unknown[]; narrowed: unknown[]; api: { overPermissive: Grant[]; missing: Grant[] } };
  notes: string[];
}
interface Grant { subjectKind: string; subject: string; namespace: string; verbs: string[]; resources: string[]; resourceNames: string[] }
interface Edge { from: string; to: string; port: number; protocol: string }

const pairs = (edges: readonly Edge[]) => edges.map((e) => `${e.from} -> ${e.to} ${e.port}/${e.protocol}`);

let server: FakeApiServer;
let kubeconfig: string;

beforeEach(async () => {
  server = await startFakeApiServer(boutiqueCluster());
  kubeconfig = server.writeKubeconfig();
});

afterEach(async () => {
  await server.close();
});

async function audit(options: Record<string, string | string[]> = {}): Promise<CommandResult & { report: Report }> {
  const result = await runCommand('audit', [DIST], { kubeconfig, format: 'json', ...options });
  return { ...result, report: result.code <= 1 ? JSON.parse(result.stdout) as Report : undefined as never };
}

describe('audit against a stand-in API server', () => {
  test('a cluster that runs exactly the intent has no drift and no over-permissive access (exit 0)', async () => {
    // GIVEN the live cluster holds dist/ as the API server stores it (uid, managedFields, defaulted policyTypes, protocol, clusterIP...)
    // WHEN auditing it against dist/
    const { code, report, stderr } = await audit();
    // THEN nothing differs
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(report.clean).toBe(true);
    expect(report.namespaces).toEqual(['ads', 'data', 'shop', 'web']);
    expect(report.drift).toEqual([]);
    expect(report.access.overPermissive).toEqual([]);
    expect(report.access.underPermissive).toEqual([]);
    expect(report.access.widened).toEqual([]);
    expect(report.access.api).toEqual({ overPermissive: [], missing: [] });
    expect(report.access.workloads).toBe(15);
  });

  test('a ClusterRoleBinding that makes a mesh ServiceAccount cluster-admin is API access beyond the intent (exit 1)', async () => {
    // GIVEN someone bound cluster-admin to the cart's ServiceAccount
    server.apply(
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'cluster-admin' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'cart-debug' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'ServiceAccount', name: 'cartservice', namespace: 'shop' }] },
    );
    // WHEN auditing
    const { code, report } = await audit();
    const { stdout } = await runCommand('audit', [DIST], { kubeconfig });
    // THEN there is no drift of the mesh's objects, but the grant is reported, and the cluster does not match
    expect(code).toBe(1);
    expect(report.drift).toEqual([]);
    expect(report.access.api.overPermissive).toEqual([expect.objectContaining({ subjectKind: 'ServiceAccount', subject: 'shop/cartservice', namespace: '*', verbs: ['*'], resources: ['*'] })]);
    expect(report.access.api.missing).toEqual([]);
    expect(stdout).toContain('Kubernetes API access granted live, not by the intent (1):\n  + ServiceAccount shop/cartservice may * *.* in every namespace');
    expect(stdout).toContain('The cluster differs from the intent: 1 API grant(s) beyond the intent.');
  });

  test('a RoleBinding deleted live is drift, and the API access it granted is missing', async () => {
    server.remove('RoleBinding', 'data', 'api-access.shop.cartservice');
    const { code, report } = await audit();
    expect(code).toBe(1);
    expect(report.drift).toEqual([{ status: 'missing', kind: 'RoleBinding', namespace: 'data', name: 'api-access.shop.cartservice' }]);
    expect(report.access.api).toEqual({
      overPermissive: [],
      missing: [expect.objectContaining({ subject: 'shop/cartservice', namespace: 'data', verbs: ['get'], resources: ['secrets'], resourceNames: ['redis-cart-auth'] })],
    });
  });

  test('a server that answers 404 to the built-in kinds is no Kubernetes API server: exit 2, not "everything is missing"', async () => {
    // GIVEN a kubeconfig whose server URL points past the API (every path under it is 404, as behind a wrong proxy path)
    const elsewhere = kubeconfig.replace(/config$/, 'config-elsewhere');
    fs.writeFileSync(elsewhere, fs.readFileSync(kubeconfig, 'utf8').replace(`server: ${server.url}`, `server: ${server.url}/not-the-api`));
    // WHEN auditing with it
    const { code, stdout, stderr } = await runCommand('audit', [DIST], { kubeconfig: elsewhere });
    // THEN it says the server is not one, instead of reporting every intended object as missing
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/answered 404 Not Found to list \w+.*which every Kubernetes API server serves: is it one\? Check the server of the kubeconfig's context/);
  });

  test('a user who may not list ClusterRoles still gets an audit, with a note, but it is incomplete: exit 1, not "matches"', async () => {
    server.forbid(/\/clusterrole/);
    const { code, report } = await audit();
    const { stdout } = await runCommand('audit', [DIST], { kubeconfig });
    // A gate must not pass a ClusterRoleBinding to cluster-admin it could not see.
    expect(code).toBe(1);
    expect(report.notes).toEqual(expect.arrayContaining([
      expect.stringMatching(/^clusterroles not read \(.*403.*\); API access through them not compared$/),
      expect.stringMatching(/^clusterrolebindings not read/),
    ]));
    expect(report.drift).toEqual([]);
    expect(stdout.trimEnd().split('\n').pop()).toBe(
      '15 live workloads evaluated. The audit is incomplete: clusterrolebindings, clusterroles could not be read, so the API access they grant was not compared.');
  });

  test('a mesh-wide ALLOW in the root namespace, which the intent does not hold, is over-permissive access (exit 1)', async () => {
    // GIVEN someone added an allow-everything AuthorizationPolicy in istio-system (applies to every workload)
    server.apply({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'mesh-open', namespace: 'istio-system' }, spec: { rules: [{}] } });
    const { code, report } = await audit();
    const { stdout } = await runCommand('audit', [DIST], { kubeconfig });
    expect(code).toBe(1);
    expect(report.access.widened.length).toBeGreaterThan(0);
    expect(stdout).toContain('Mesh-wide Istio policies of the root namespace, not in the intent (their effect is in the access above) (1):\n  AuthorizationPolicy istio-system/mesh-open');
  });

  test('an Istio policy opened behind NetworkPolicies that still block is reported for Istio alone', async () => {
    // GIVEN a root-namespace policy that lets every request into cartservice (mesh-wide, so no drift of
    // the audited namespaces); NetworkPolicy still keeps adservice out of it
    server.apply({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'cart-open', namespace: 'istio-system' },
      spec: { selector: { matchLabels: { app: 'cartservice' } }, rules: [{}] } });
    const { code, report } = await audit();
    const { stdout } = await runCommand('audit', [DIST], { kubeconfig });
    expect(code).toBe(1);
    expect(report.drift).toEqual([]);
    const istioAlone = (report.access as unknown as { layers: Array<{ layer: string; diff: { added: Edge[] } }> }).layers.find((l) => l.layer === 'mesh');
    expect(pairs(istioAlone?.diff.added ?? [])).toContain('ads/adservice -> shop/cartservice 7070/TCP');
    expect(pairs(report.access.overPermissive)).not.toContain('ads/adservice -> shop/cartservice 7070/TCP');
    expect(stdout).toContain('Istio alone: allowed live, not by the intent');
    expect(stdout).toContain('Istio alone wider than the intent');
  });

  test('a cluster without any NetworkPolicy: NetworkPolicy alone allows every pair, counted once there are many (exit 1)', async () => {
    // GIVEN every NetworkPolicy of the intent deleted live
    for (const policy of boutiqueCluster().filter((object) => object.kind === 'NetworkPolicy')) {
      server.remove('NetworkPolicy', policy.metadata.namespace, policy.metadata.name);
    }
    // WHEN auditing, with the limit on listed edges at 0 (a big cluster's pairs are too many to list)
    const { code, stdout } = await withSetting(LIST_LIMIT, 'edges', 0, () => runCommand('audit', [DIST], { kubeconfig }));
    // THEN what this layer alone now lets through beyond the intent is one counted line
    expect(code).toBe(1);
    expect(stdout).toMatch(/NetworkPolicy alone: allowed live, not by the intent \(1\):\n {2}\+ \d+ more workload pairs x ports, not listed: open at this layer alone in the live cluster, where ingress NetworkPolicies admit every workload or whole namespaces, and only the source's namespace, egress and proxy decide\n/);
    expect(stdout).toContain('NetworkPolicy alone wider than the intent');
  });

  test('a cluster without any policy: what it opens beyond the intent is counted once there are many (exit 1)', async () => {
    // GIVEN every NetworkPolicy, AuthorizationPolicy and PeerAuthentication of the intent deleted live
    for (const policy of boutiqueCluster().filter((object) => ['NetworkPolicy', 'AuthorizationPolicy', 'PeerAuthentication'].includes(object.kind))) {
      server.remove(policy.kind, policy.metadata.namespace, policy.metadata.name);
    }
    const { code, stdout } = await withSetting(LIST_LIMIT, 'edges', 0, () => runCommand('audit', [DIST], { kubeconfig }));
    expect(code).toBe(1);
    expect(stdout).toMatch(/Over-permissive: allowed live, not by the intent \(1\):\n {2}\+ (\d+) more workload pairs x ports, not listed: open in the live cluster, where no AuthorizationPolicy applies, ingress NetworkPolicies admit every workload or whole namespaces/);
    const count = Number(/\+ (\d+) more workload pairs x ports, not listed: open in the live cluster/.exec(stdout)?.[1]);
    expect(stdout).toContain(`${count} over-permissive edge(s)`);
    expect(count).toBeGreaterThan(100);
  });

  test('a root-namespace policy that the intent holds too is intended, not beyond the intent', async () => {
    const meshOpen = { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'mesh-open', namespace: 'istio-system' }, spec: { rules: [{}] } };
    server.apply(meshOpen);
    const extra = path.join(path.dirname(kubeconfig), 'root-policies.yaml');
    fs.writeFileSync(extra, JSON.stringify(meshOpen));
    const result = await runCommand('audit', [DIST, extra], { kubeconfig, format: 'json', namespace: 'shop' });
    const report = JSON.parse(result.stdout) as Report & { access: { meshWidePolicies: string[] } };
    expect(result.code).toBe(0);
    expect(report.access.meshWidePolicies).toEqual([]);
    expect(report.access.widened).toEqual([]);
  });

  test('a mesh-wide PeerAuthentication STRICT in the root namespace changes nothing the intent does not already do (exit 0)', async () => {
    server.apply({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'istio-system' }, spec: { mtls: { mode: 'STRICT' } } });
    const { code, report } = await audit();
    expect(code).toBe(0);
    expect(report.access.overPermissive).toEqual([]);
  });

  test.each(['system:serviceaccounts', 'system:authenticated'])('cluster-admin bound to group %s (every ServiceAccount) is API access beyond the intent', async (group) => {
    server.apply({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'everyone-admin' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }] });
    const { code, report } = await audit();
    expect(code).toBe(1);
    expect(report.access.api.overPermissive).toEqual([expect.objectContaining({ subjectKind: 'Group', subject: group, namespace: '*', verbs: ['*'] })]);
  });

  test('the bootstrap grants of those groups (system: roles) are not reported', async () => {
    server.apply(
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'system:discovery' }, rules: [{ nonResourceURLs: ['/api', '/apis'], verbs: ['get'] }] },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'system:basic-user' }, rules: [{ apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews'], verbs: ['create'] }] },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'system:basic-user' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:basic-user' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' }] },
    );
    const { code, report } = await audit();
    expect(code).toBe(0);
    expect(report.access.api).toEqual({ overPermissive: [], missing: [] });
  });

  test('with --namespace, API access held in namespaces not read is neither missing nor checked, and a note says so', async () => {
    const { code, report } = await audit({ namespace: 'shop' });
    expect(code).toBe(0);
    expect(report.access.api).toEqual({ overPermissive: [], missing: [] });
    expect(report.notes).toContain('API access held in namespaces not read (--namespace) not compared');
  });

  test('a NetworkPolicy edited to ingress [{}] is changed and over-permissive, with the exact pairs it opens', async () => {
    // GIVEN redis-cart (no sidecar: NetworkPolicy is its only protection) has its ingress opened to everyone
    server.edit('NetworkPolicy', 'data', 'redis-cart-ingress', (policy) => { policy.spec.ingress = [{}]; });
    // WHEN auditing
    const { code, report } = await audit();
    // THEN the policy is reported changed, field by field
    expect(code).toBe(1);
    expect(report.drift.map((f) => `${f.status} ${f.kind} ${f.namespace}/${f.name}`)).toEqual(['changed NetworkPolicy data/redis-cart-ingress']);
    expect(report.drift[0].changes).toEqual([
      {
        path: 'spec.ingress[0].from',
        intent: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { app: 'cartservice' } } }],
      },
      { path: 'spec.ingress[0].ports', intent: [{ port: 6379, protocol: 'TCP' }] },
    ]);
    // AND exactly the pods whose egress is open (the platform's) newly reach redis
    expect(pairs(report.access.overPermissive)).toEqual([
      'istio-ingress/istio-gateway-istio -> data/redis-cart 6379/TCP',
      'istio-system/istiod -> data/redis-cart 6379/TCP',
      'kube-system/coredns -> data/redis-cart 6379/TCP',
    ]);
    expect(report.access.underPermissive).toEqual([]);
    expect(report.clean).toBe(false);
  });

  test('an opened NetworkPolicy in front of a sidecar is drift, but Istio authorization keeps access as intended', async () => {
    // GIVEN cartservice (with a sidecar, STRICT mTLS, ALLOW by principal) has its NetworkPolicy ingress opened
    server.edit('NetworkPolicy', 'shop', 'cartservice-ingress', (policy) => { policy.spec.ingress = [{}]; });
    // WHEN auditing
    const { code, report } = await audit();
    // THEN the change is drift (exit 1) but no pair gains access
    expect(code).toBe(1);
    expect(report.drift.map((f) => `${f.status} ${f.namespace}/${f.name}`)).toEqual(['changed shop/cartservice-ingress']);
    expect(report.access.overPermissive).toEqual([]);
    expect(report.access.underPermissive).toEqual([]);
  });

  test('a deleted policy is reported missing, with the access it took away', async () => {
    // GIVEN the ingress policy of redis-cart was deleted (default-deny still isolates redis)
    server.remove('NetworkPolicy', 'data', 'redis-cart-ingress');
    // WHEN auditing
    const { code, report } = await audit();
    // THEN it is missing, and the cart can no longer reach redis
    expect(code).toBe(1);
    expect(report.drift).toEqual([{ status: 'missing', kind: 'NetworkPolicy', namespace: 'data', name: 'redis-cart-ingress' }]);
    expect(pairs(report.access.underPermissive)).toEqual(['shop/cartservice -> data/redis-cart 6379/TCP']);
    expect(report.access.overPermissive).toEqual([]);
  });

  test('extra live policies are foreign, or orphaned when the mesh emitted them', async () => {
    // GIVEN someone added a policy in shop, and a policy the mesh once emitted is still in web
    server.apply(
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-scraping', namespace: 'shop' }, spec: { podSelector: {}, ingress: [{ ports: [{ port: 9090 }] }] } },
      {
        apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy',
        metadata: { name: 'old-frontend-allow', namespace: 'web', labels: { 'app.kubernetes.io/managed-by': 'cdk8s-mesh-policy' } },
        spec: { selector: { matchLabels: { app: 'frontend' } }, rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/cartservice'] } }] }] },
      },
    );
    // WHEN auditing
    const { code, report } = await audit();
    // THEN both are reported, each with its status
    expect(code).toBe(1);
    expect(report.drift).toEqual([
      { status: 'foreign', kind: 'NetworkPolicy', namespace: 'shop', name: 'allow-scraping' },
      { status: 'orphaned', kind: 'AuthorizationPolicy', namespace: 'web', name: 'old-frontend-allow' },
    ]);
  });

  test('an annotation that turns a policy into a dry run is a change', async () => {
    // GIVEN the frontend's ALLOW policy is switched to dry-run live
    server.edit('AuthorizationPolicy', 'web', 'frontend-allow', (policy) => {
      policy.metadata.annotations = { ...policy.metadata.annotations, 'istio.io/dry-run': 'true' };
    });
    // WHEN auditing
    const { report } = await audit();
    // THEN the annotation is the change
    expect(report.drift).toEqual([{
      status: 'changed', kind: 'AuthorizationPolicy', namespace: 'web', name: 'frontend-allow',
      changes: [{ path: 'metadata.annotations["istio.io/dry-run"]', live: 'true' }],
    }]);
  });

  test('--namespace audits only the named namespaces, read namespace by namespace', async () => {
    // GIVEN drift in data and in shop
    server.remove('NetworkPolicy', 'data', 'redis-cart-ingress');
    server.remove('NetworkPolicy', 'shop', 'default-deny');
    // WHEN auditing shop only
    const { report } = await audit({ namespace: 'shop' });
    // THEN only shop's drift is reported
    expect(report.namespaces).toEqual(['shop']);
    expect(report.drift).toEqual([{ status: 'missing', kind: 'NetworkPolicy', namespace: 'shop', name: 'default-deny' }]);
    // AND no cluster-wide list of namespaced objects was requested: only shop's objects, the root namespace's
    // Istio policies and mesh settings, and the cluster-scoped RBAC objects (ClusterRoles and their bindings)
    const paths = server.requests.map((request) => request.replace(/^GET /, '').replace(/\?.*$/, ''));
    expect(paths.filter((p) => !/\/namespaces\/(shop|istio-system)(\/|$)/.test(p)).sort())
      .toEqual(['/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', '/apis/rbac.authorization.k8s.io/v1/clusterroles']);
    expect(paths).toContain('/apis/security.istio.io/v1/namespaces/istio-system/peerauthentications');
  });

  test('the text report names drifted objects and the pairs they open', async () => {
    // GIVEN redis-cart's ingress opened
    server.edit('NetworkPolicy', 'data', 'redis-cart-ingress', (policy) => { policy.spec.ingress = [{}]; });
    // WHEN auditing with the default format
    const { code, stdout } = await runCommand('audit', [DIST], { kubeconfig });
    // THEN the lines a reviewer needs are there
    expect(code).toBe(1);
    expect(stdout).toContain(`audit of ${server.url} (context fake), namespaces ads, data, shop, web`);
    expect(stdout).toContain('  changed  NetworkPolicy data/redis-cart-ingress');
    expect(stdout).toContain('spec.ingress[0].ports: intent [{"port":6379,"protocol":"TCP"}], live (not set)');
    expect(stdout).toContain('  + kube-system/coredns -> data/redis-cart 6379/TCP');
    // The rule without `from` admits addresses outside the cluster too (redis-cart runs no sidecar to stop them).
    expect(stdout).toContain('Outside the cluster: allowed live, not by the intent (1):\n  + outside any IPv4 address -> data/redis-cart 6379/TCP');
    expect(stdout).toContain('The cluster differs from the intent: 1 drifted object(s), 3 over-permissive edge(s), 1 access(es) to or from outside the cluster beyond the intent.');
  });

  test('all traffic goes to the loopback API server and only reads', async () => {
    // WHEN auditing
    await audit();
    // THEN every request came from 127.0.0.1 and was a GET
    expect([...server.clients]).toEqual(['127.0.0.1']);
    expect(server.requests.every((request) => request.startsWith('GET /'))).toBe(true);
  });
});

describe('audit input errors (exit 2, one line)', () => {
  test('an unreachable API server is named, without a stack trace', async () => {
    // GIVEN a kubeconfig whose server port is closed (the next server is started first, so it cannot take that port)
    const closing = server;
    server = await startFakeApiServer();
    await closing.close();
    const closed = kubeconfig;
    // WHEN auditing
    const { code, stdout, stderr } = await runCommand('audit', [DIST], { kubeconfig: closed });
    // THEN one line names the server
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n')).toHaveLength(2);
    expect(stderr).toMatch(/^mesh-policy: cannot reach the Kubernetes API server at http:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED 127\.0\.0\.1:\d+\n$/);
  });

  test('a busy API server (429 Too Many Requests) is asked again after its Retry-After, and the audit completes', async () => {
    server.throttle(/\/pods$/, 2);
    const { code, report } = await audit();
    expect(code).toBe(0);
    expect(report.clean).toBe(true);
    expect(server.requests.filter((request) => /\/pods\?/.test(request))).toHaveLength(3);
  });

  test('an empty kubeconfig is named as such', async () => {
    const empty = path.join(path.dirname(kubeconfig), 'empty');
    fs.writeFileSync(empty, '\n');
    const { code, stderr } = await runCommand('audit', [DIST], { kubeconfig: empty });
    expect(code).toBe(2);
    expect(stderr).toBe(`mesh-policy: kubeconfig ${empty} is empty; pass the file kubectl uses (kubectl config view --raw)\n`);
    // Named by $KUBECONFIG, the same.
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = empty;
    try {
      expect((await runCommand('audit', [DIST])).stderr).toBe(`mesh-policy: kubeconfig ${empty} is empty; pass the file kubectl uses (kubectl config view --raw)\n`);
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
  });

  test('a kubeconfig that is a directory is bad input (exit 2) that names it, not an internal error', async () => {
    const directory = path.dirname(kubeconfig);
    const { code, stdout, stderr } = await runCommand('audit', [DIST], { kubeconfig: directory });
    expect([code, stdout]).toEqual([2, '']);
    expect(stderr).toBe(`mesh-policy: cannot read kubeconfig ${directory}: EISDIR: illegal operation on a directory, read\n`);
  });

  test('a refused list names the server, the resource and the API server message', async () => {
    // GIVEN the user may not list pods
    server.forbid(/\/pods$/);
    // WHEN auditing
    const { code, stderr } = await runCommand('audit', [DIST], { kubeconfig });
    // THEN one line says so
    expect(code).toBe(2);
    expect(stderr).toBe(`mesh-policy: the Kubernetes API server at ${server.url} refused to list pods (HTTP 403 Forbidden: forbidden: User "system:anonymous" cannot list resource at /api/v1/pods)\n`);
  });

  test('a stalled API server ends the command after --request-timeout, naming the call that hung', async () => {
    // GIVEN the API server never answers the list of NetworkPolicies
    server.stall(/networkpolicies$/);
    // WHEN auditing with a short timeout
    const { code, stdout, stderr } = await runCommand('audit', [DIST], { kubeconfig, 'request-timeout': '300ms' });
    // THEN the command gives up with one line instead of hanging (the test would time out otherwise)
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`mesh-policy: the Kubernetes API server at ${server.url} did not answer list networkpolicies within 0.3s (--request-timeout)\n`);
  });

  test.each([['1m30s', 90_000], ['500ms', 500], ['45', 45_000], ['0', 0], ['1.5h', 5_400_000]])(
    '--request-timeout %s is %i ms, as kubectl reads it', (value, ms) => {
      expect(parseRequestTimeout(value)).toBe(ms);
    },
  );

  test('a --request-timeout that is not a duration is named with the fix', async () => {
    const { code, stderr } = await runCommand('audit', [DIST], { kubeconfig, 'request-timeout': '5 minutes' });
    expect(code).toBe(2);
    expect(stderr).toBe('mesh-policy: --request-timeout "5 minutes" is not a duration; write e.g. 30s, 2m or 0 (no timeout)\n');
  });

  test('an unknown context lists the known ones', async () => {
    const { code, stderr } = await runCommand('audit', [DIST], { kubeconfig, context: 'prod' });
    expect(code).toBe(2);
    expect(stderr).toBe(`mesh-policy: kubeconfig ${kubeconfig} has no context "prod" (contexts: fake)\n`);
  });

  test('a missing kubeconfig file is named', async () => {
    const { code, stderr } = await runCommand('audit', [DIST], { kubeconfig: '/nonexistent/kubeconfig' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^mesh-policy: cannot read kubeconfig \/nonexistent\/kubeconfig: .*ENOENT.*\n$/);
  });

  test('a plain-http server without insecure-skip-tls-verify is explained', async () => {
    // GIVEN a kubeconfig for http://127.0.0.1:<port> that keeps TLS verification on
    const strict = path.join(path.dirname(kubeconfig), 'strict');
    fs.writeFileSync(strict, fs.readFileSync(kubeconfig, 'utf8').replace(/^\s*insecure-skip-tls-verify: true\n/m, ''));
    // WHEN auditing THEN the message says what client-node needs
    const { code, stderr } = await runCommand('audit', [DIST], { kubeconfig: strict });
    expect(code).toBe(2);
    expect(stderr).toBe(`mesh-policy: the kubeconfig points at ${server.url} over plain http, which @kubernetes/client-node only accepts with insecure-skip-tls-verify: true on the cluster\n`);
  });

  test('a --namespace that is not a namespace name is bad input', async () => {
    const { code, stderr } = await runCommand('audit', [DIST], { kubeconfig, namespace: ['shop', 'Web_1'] });
    expect(code).toBe(2);
    expect(stderr).toBe('mesh-policy: --namespace "Web_1" is not a namespace name (DNS-1123 label)\n');
  });

  test('no intent path is bad input', async () => {
    const { code, stderr } = await runCommand('audit', [], { kubeconfig });
    expect(code).toBe(2);
    expect(stderr).toBe('mesh-policy: audit needs the intent: manifest paths, e.g. dist/\n');
  });
});
