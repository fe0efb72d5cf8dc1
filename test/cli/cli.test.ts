import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from '../../cli/args';
import { expectBadInput, runCli } from '../support/cli-run';

const ROOT = path.resolve(__dirname, '../..');
const BOUTIQUE = path.resolve(ROOT, '../shared/fixtures/online-boutique');
const BOUTIQUE_ARGS = [path.join(BOUTIQUE, 'kubernetes-manifests.yaml'), path.join(BOUTIQUE, 'network-policies')];

const cli = runCli;

function tempFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-policy-cli-'));
  fs.writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
}

const MESH = `
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: enabled}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {serviceAccountName: web, containers: [{name: main, image: web}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {serviceAccountName: api, containers: [{name: main, image: api, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec: {selector: {app: api}, ports: [{name: http, port: 80, targetPort: 8080}]}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  rules:
  - from: [{source: {principals: [cluster.local/ns/shop/sa/web]}}]
    to: [{operation: {methods: [GET]}}]
`;

describe('mesh-policy check', () => {
  const manifests = tempFile('mesh.yaml', MESH);

  test('--format json prints {"results":[{allowed, layer, reason}]}', async () => {
    const { code, stdout } = await cli('check', manifests, '--from', 'shop/web', '--to', 'shop/api', '--port', '8080', '--method', 'GET', '--path', '/', '--format', 'json');
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout);
    expect(Object.keys(parsed)).toEqual(['results']);
    expect(parsed.results).toEqual([{ allowed: true, layer: null, reason: expect.stringContaining('AuthorizationPolicy/shop/api') }]);
  });

  test('text output says ALLOW or DENY with the layer', async () => {
    const { stdout } = await cli('check', manifests, '--from', 'shop/web', '--to', 'shop/api', '--port', '8080');
    expect(stdout).toMatch(/^shop\/web -> shop\/api 8080\/TCP: DENY at mesh layer \(no rule of the ALLOW policies/);
  });

  test('text output writes the request as given: a path alone, after one space', async () => {
    const { stdout } = await cli('check', manifests, '--from', 'shop/web', '--to', 'shop/api', '--port', '8080', '--path', '/orders');
    expect(stdout).toMatch(/^shop\/web -> shop\/api 8080\/TCP \/orders: DENY/);
  });

  test('--requests answers in request order, including clients outside the cluster', async () => {
    const requests = tempFile('requests.json', JSON.stringify([
      { from: 'shop/web', to: 'shop/api', port: 8080, method: 'GET', path: '/' },
      { from: 'ip:203.0.113.9', to: 'shop/api', port: 8080, method: 'GET', path: '/' },
      { from: 'shop/web', to: 'shop/api', port: 8080, protocol: 'TCP', headers: { 'X-Ignored': 'yes' } },
    ]));
    const { stdout } = await cli('--format', 'json', 'check', manifests, '--requests', requests);
    expect(JSON.parse(stdout).results.map((r: { allowed: boolean; layer: string | null }) => [r.allowed, r.layer])).toEqual([[true, null], [false, 'mesh'], [false, 'mesh']]);
  });

  test('--header NAME:VALUE makes an HTTP request', async () => {
    const { stdout } = await cli('check', manifests, '--from', 'shop/web', '--to', 'shop/api', '--port', '8080', '--method', 'GET', '--header', 'x-a: 1', '--format', 'json');
    expect(JSON.parse(stdout).results[0].allowed).toBe(true);
  });
});

describe('mesh-policy bad input exits 2 with one line, never a stack trace', () => {
  const manifests = tempFile('mesh.yaml', MESH);
  const cases: Record<string, { argv: string[]; message: RegExp }> = {
    'unknown workload': { argv: ['check', manifests, '--from', 'shop/nobody', '--to', 'shop/api', '--port', '8080'], message: /unknown workload shop\/nobody/ },
    'unreadable path': { argv: ['reach', '/nonexistent/dir'], message: /cannot read \/nonexistent\/dir: no such file or directory/ },
    'malformed YAML': { argv: ['reach', tempFile('bad.yaml', 'kind: Pod\nmetadata: {name: a}\n---\nkind: [\n')], message: /bad\.yaml: document 1: malformed YAML/ },
    'missing --port': { argv: ['check', manifests, '--from', 'shop/web', '--to', 'shop/api'], message: /check needs --from, --to and --port \(missing: --port\), or --requests FILE/ },
    'bad port': { argv: ['check', manifests, '--from', 'shop/web', '--to', 'shop/api', '--port', 'http'], message: /"port" must be a container port number/ },
    'unknown option': { argv: ['reach', manifests, '--colour'], message: /unknown option --colour/ },
    'option of another command': { argv: ['reach', manifests, '--from', 'x/y'], message: /option --from does not apply to reach/ },
    'unknown command': { argv: ['frobnicate'], message: /unknown command "frobnicate"/ },
    'malformed requests file': { argv: ['check', manifests, '--requests', tempFile('r.json', '[{"from": "shop/web"}]')], message: /r\.json: request 0: missing "to"/ },
    'diff with one path': { argv: ['diff', manifests], message: /diff needs exactly two paths/ },
    'bad format': { argv: ['reach', manifests, '--format', 'xml'], message: /--format must be one of text, json, markdown/ },
    'misspelt field in a requests file': {
      argv: ['check', manifests, '--requests', tempFile('r.json', '[{"from": "shop/web", "to": "shop/api", "port": 8080, "methods": ["GET"]}]')],
      message: /r\.json: request 0: unknown field "methods" \(fields: from, to, port, protocol, method, path, host, headers\)/,
    },
    'empty trust domain': { argv: ['reach', manifests, '--trust-domain', ''], message: /option --trust-domain needs a value, got an empty one/ },
    'root namespace with a blank': { argv: ['reach', manifests, '--root-namespace', 'istio system'], message: /--root-namespace "istio system" is not a namespace name/ },
    'HTTP fields over UDP': { argv: ['check', manifests, '--from', 'shop/web', '--to', 'shop/api', '--port', '8080', '--protocol', 'UDP', '--method', 'GET'], message: /make an HTTP request, which runs over TCP, not UDP/ },
    'an option whose value was left out, before another option': {
      argv: ['check', manifests, '--from', '--to', 'shop/api', '--port', '8080'],
      message: /option --from needs a value, got the option --to \(write --from=VALUE for a value that starts with --\)/,
    },
    'an option with an empty value': { argv: ['check', manifests, '--requests', ''], message: /option --requests needs a value, got an empty one/ },
    'an empty value after =': { argv: ['diff', manifests, manifests, '--workloads='], message: /option --workloads needs a value, got an empty one/ },
    'a short option': { argv: ['reach', manifests, '-n', 'shop'], message: /unknown option -n: options are long, e.g. --namespace \(a path that starts with '-' goes after --\)/ },
    'a flag given a value': { argv: ['reach', manifests, '--list-denied=yes'], message: /option --list-denied takes no value/ },
    'a malformed trust domain for lint': { argv: ['lint', manifests, '--trust-domain', 'corp example'], message: /--trust-domain "corp example" is not a trust domain/ },
    'unknown workload in a requests file names the file': {
      argv: ['check', manifests, '--requests', tempFile('r.json', '[{"from": "shop/zzz", "to": "shop/api", "port": 8080}]')],
      message: /r\.json: request 0: unknown workload shop\/zzz/,
    },
  };
  test.each(Object.entries(cases))('%s', async (_, { argv, message }) => {
    expectBadInput(await cli(...argv), message);
  });
});

describe('mesh-policy reach, explain, diff, lint', () => {
  test('reach --format json has workloads, summary, allowed edges and denied counts', async () => {
    const { code, stdout } = await cli('reach', ...BOUTIQUE_ARGS, '--format', 'json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(Object.keys(report)).toEqual(['workloads', 'summary', 'allowed', 'denied', 'outside']);
    expect(report.summary).toEqual({ workloads: 12, pairs: 121, allowed: 26, denied: 95 });
    expect(report.allowed[0]).toEqual({ from: 'default/adservice', to: 'default/frontend', port: 8080, protocol: 'TCP', reason: expect.any(String) });
  });

  test('GIVEN Online Boutique\'s own policies WHEN reach THEN outside the cluster: every egress is open, and the frontend takes any address', async () => {
    const report = JSON.parse((await cli('reach', ...BOUTIQUE_ARGS, '--format', 'json')).stdout);
    const lines = (report.outside as Array<{ direction: string; workload: string; port?: number; ports?: string; protocol: string; addresses: string }>)
      .map((a) => `${a.direction} ${a.workload} ${a.port ?? a.ports}/${a.protocol} ${a.addresses}`);
    const workloads = report.workloads.map((w: { id: string }) => w.id) as string[];
    // Each policy has `egress: [{}]` (network-policy-*.yaml): every address, every port, every protocol.
    const egress = workloads.flatMap((id) => [`egress ${id} any port/TCP any IPv4 address`, `egress ${id} any port/UDP any IPv4 address`]);
    // network-policy-frontend.yaml's ingress `- {}` (no from): its port 8080 takes any address; the others admit pods only.
    expect(lines.sort()).toEqual([...egress, 'ingress default/frontend 8080/TCP any IPv4 address'].sort());
  });

  test('reach text counts in words: one workload is "1 workload"', async () => {
    const single = tempFile('one.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: solo, namespace: a}\nspec: {containers: [{name: c, image: x}]}\n');
    expect((await cli('reach', single)).stdout).toMatch(/^1 workload, 0 workload pairs x ports/);
  });

  test('reach --list-denied lists every denied pair', async () => {
    const report = JSON.parse((await cli('reach', ...BOUTIQUE_ARGS, '--format', 'json', '--list-denied')).stdout);
    expect(report.deniedPairs).toHaveLength(95);
  });

  test('reach --format markdown --list-denied lists every denied pair', async () => {
    const { stdout } = await cli('reach', ...BOUTIQUE_ARGS, '--format', 'markdown', '--list-denied');
    expect(stdout).toContain('| From | To | Port | Layer | Why |');
    expect(stdout).toMatch(/\| default\/adservice \| default\/cartservice \| 7070\/TCP \| network \| /);
  });

  test('reach --format markdown is a table', async () => {
    expect((await cli('reach', ...BOUTIQUE_ARGS, '--format', 'markdown')).stdout).toContain('| default/frontend | default/adservice | 9555/TCP | any |');
  });

  test('explain prints Markdown with a Mermaid graph', async () => {
    const { code, stdout } = await cli('explain', ...BOUTIQUE_ARGS);
    expect(code).toBe(0);
    expect(stdout).toContain('```mermaid');
  });

  test('diff exits 1 when access widens and 0 when it narrows', async () => {
    const open = path.join(BOUTIQUE, 'kubernetes-manifests.yaml');
    const restricted = tempFile('all.yaml', [fs.readFileSync(open, 'utf8'),
      ...fs.readdirSync(path.join(BOUTIQUE, 'network-policies')).filter((f) => f.startsWith('network-policy'))
        .map((f) => fs.readFileSync(path.join(BOUTIQUE, 'network-policies', f), 'utf8'))].join('\n---\n'));
    const widened = await cli('diff', restricted, open, '--format', 'json');
    expect(widened.code).toBe(1);
    expect(JSON.parse(widened.stdout)).toMatchObject({ widened: true, removed: [] });
    expect(JSON.parse(widened.stdout).added).toHaveLength(95);
    expect((await cli('diff', open, restricted)).code).toBe(0);
  });

  test('diff of dist/ against a copy whose Role grants more exits 1 and names the new API access', async () => {
    const dist = fs.readFileSync(path.join(ROOT, 'dist', 'online-boutique.k8s.yaml'), 'utf8');
    const widenedRole = dist.replace(/(\n {4}verbs:\n {6}- get\n)/, '$1      - delete\n');
    expect(widenedRole).not.toBe(dist);
    const { code, stdout } = await cli('diff', path.join(ROOT, 'dist'), tempFile('widened.yaml', widenedRole));
    expect(code).toBe(1);
    expect(stdout.split('\n')).toEqual([
      '+ API: ServiceAccount shop/cartservice may get,delete secrets named redis-cart-auth in data',
      '- API: ServiceAccount shop/cartservice may get secrets named redis-cart-auth in data',
      'access widened: 0 added, 0 removed, 0 changed; API grants 1 added, 1 removed',
      '',
    ]);
  });

  test('diff exits 1 when one layer opens behind the other (Istio rule opened, NetworkPolicy still denying) and says which', async () => {
    const denyAll = '\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: shop}\nspec: {podSelector: {}, policyTypes: [Ingress]}\n';
    const before = tempFile('before.yaml', MESH + denyAll);
    const after = tempFile('after.yaml', MESH.replace('to: [{operation: {methods: [GET]}}]', 'to: [{operation: {methods: ["*"]}}]') + denyAll);
    const { code, stdout } = await cli('diff', before, after);
    expect(code).toBe(1);
    expect(stdout).toContain('Istio alone: ~ shop/web -> shop/api 8080/TCP: only GET');
    expect(stdout.trimEnd().split('\n').pop()).toBe('access widened: 0 added, 0 removed, 0 changed; API grants 0 added, 0 removed; Istio alone 0 added, 0 removed, 1 changed');
  });

  describe('diff when one side has no NetworkPolicy at all (adding them to an Istio-only mesh, or removing them all)', () => {
    // 40 services in a ring, each admitting the next one, by Istio alone or by both layers.
    const names = Array.from({ length: 40 }, (_, i) => `s${i}`);
    const ring = (networkPolicies: boolean, istio = true) => tempFile(`ring-${networkPolicies}-${istio}.yaml`, [
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {istio-injection: enabled}}',
      ...names.flatMap((name, i) => {
        const client = names[(i + 1) % names.length];
        return [
          `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: shop, labels: {app: ${name}}}\nspec: {serviceAccountName: ${name}, containers: [{name: main, image: x, ports: [{containerPort: 8080}]}]}`,
          `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: shop}\nspec: {selector: {app: ${name}}, ports: [{name: http, port: 8080}]}`,
          ...(istio ? [`apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: ${name}, namespace: shop}\nspec: {selector: {matchLabels: {app: ${name}}}, rules: [{from: [{source: {principals: [cluster.local/ns/shop/sa/${client}]}}]}]}`] : []),
          ...(networkPolicies ? [`apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${name}, namespace: shop}\nspec: {podSelector: {matchLabels: {app: ${name}}}, policyTypes: [Ingress], ingress: [{from: [{podSelector: {matchLabels: {app: ${client}}}}]}]}`] : []),
        ];
      }),
    ].join('\n---\n'));
    const [istioOnly, bothLayers] = [ring(false), ring(true)];

    test('GIVEN NetworkPolicies added THEN what they close is counted, not listed pair by pair, and access does not widen', async () => {
      const { code, stdout } = await cli('diff', istioOnly, bothLayers);
      expect(code).toBe(0);
      const lines = stdout.trimEnd().split('\n');
      expect(lines.pop()).toBe('access narrowed or unchanged in scope: 0 added, 0 removed, 0 changed; API grants 0 added, 0 removed; '
        + 'NetworkPolicy alone 0 added, 1520 removed, 0 changed, outside the cluster 0 added, 40 removed');
      // Each service's ingress from outside the cluster, closed too: one line each.
      expect(lines.filter((line) => /^NetworkPolicy alone: - outside any IPv4 address -> shop\/s\d+ 8080\/TCP$/.test(line))).toHaveLength(40);
      expect(lines.filter((line) => !line.includes('outside any IPv4 address'))).toEqual([
        'NetworkPolicy alone: - 1520 more workload pairs x ports, not listed: open at this layer alone in the old manifests, where ingress NetworkPolicies admit every workload or whole namespaces, and only the source\'s namespace, egress and proxy decide',
      ]);
    });

    test('GIVEN every NetworkPolicy removed THEN NetworkPolicy alone widens by the connections they denied: exit 1, in every format', async () => {
      const text = await cli('diff', bothLayers, istioOnly);
      expect(text.code).toBe(1);
      expect(text.stdout).toContain('NetworkPolicy alone: + 1520 more workload pairs x ports, not listed: open at this layer alone in the new manifests, where ingress NetworkPolicies admit every workload or whole namespaces, and only the source\'s namespace, egress and proxy decide\n');
      const json = await cli('diff', bothLayers, istioOnly, '--format', 'json');
      expect(JSON.parse(json.stdout).layers).toEqual([{ layer: 'network', diff: expect.objectContaining({ added: [], widened: true, unlisted: { added: 1520, removed: 0 } }) }]);
      const markdown = await cli('diff', bothLayers, istioOnly, '--format', 'markdown');
      expect(markdown.stdout).toContain('| added (NetworkPolicy alone) | 1520 more workload pairs x ports, not listed: open at this layer alone in the new manifests, where ingress NetworkPolicies admit every workload or whole namespaces, and only the source\'s namespace, egress and proxy decide |  |  |  |');
    });
    test('GIVEN a cluster without any policy THEN end to end too, the pairs open there are counted: adopting policies narrows, dropping them all widens', async () => {
      const none = ring(false, false);
      const adopting = await cli('diff', none, bothLayers);
      expect(adopting.code).toBe(0);
      expect(adopting.stdout.split('\n')).toContain('- 1520 more workload pairs x ports, not listed: open in the old manifests, where no AuthorizationPolicy '
        + "applies, ingress NetworkPolicies admit every workload or whole namespaces, and only the source's namespace, egress and proxy decide");
      const dropping = await cli('diff', bothLayers, none, '--format', 'json');
      expect(dropping.code).toBe(1);
      expect(JSON.parse(dropping.stdout)).toMatchObject({ added: [], widened: true, unlisted: { added: 1520, removed: 0 } });
    });
  });

  describe('diff of two synth outputs (policies without workloads)', () => {
    const dist = fs.readFileSync(path.join(ROOT, 'dist', 'online-boutique.k8s.yaml'), 'utf8');
    // productcatalogservice's gRPC methods widened to every path.
    const opened = dist.replace('- /hipstershop.ProductCatalogService/*', '- "*"');
    const deployment = (name: string, ports: number[]) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: shop}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {serviceAccountName: ${name}, containers: [{name: main, image: x, ports: [${ports.map((p) => `{containerPort: ${p}}`).join(', ')}]}]}
`;
    const workloads = tempFile('workloads.yaml', [deployment('checkoutservice', [5050]), deployment('productcatalogservice', [3550])].join('---\n'));

    test('GIVEN policies that differ and no workloads THEN exit 2: it cannot tell, and says to add them with --workloads', async () => {
      expect(opened).not.toBe(dist);
      const result = await cli('diff', path.join(ROOT, 'dist'), tempFile('opened.yaml', opened));
      expectBadInput(result, /the policies differ, but neither .* holds a workload .* add the workloads with --workloads PATH/);
    });

    test('GIVEN --workloads THEN both sides get the same pods and the widened edge shows, exit 1', async () => {
      const { code, stdout } = await cli('diff', path.join(ROOT, 'dist'), tempFile('opened.yaml', opened), '--workloads', workloads, '--format', 'json');
      expect(code).toBe(1);
      expect(JSON.parse(stdout).changed).toEqual([expect.objectContaining({
        from: 'shop/checkoutservice', to: 'shop/productcatalogservice', port: 3550, widened: true,
        before: 'only POST /hipstershop.ProductCatalogService/* (AuthorizationPolicy/shop/productcatalogservice-allow)',
        after: 'only POST * (AuthorizationPolicy/shop/productcatalogservice-allow)',
      })]);
    });

    test('GIVEN the same policies and no workloads THEN RBAC is still compared: equal, exit 0; a Role that grants more, exit 1', async () => {
      expect((await cli('diff', path.join(ROOT, 'dist'), path.join(ROOT, 'dist'))).code).toBe(0);
      const widenedRole = dist.replace(/(\n {4}verbs:\n {6}- get\n)/, '$1      - delete\n');
      expect((await cli('diff', path.join(ROOT, 'dist'), tempFile('role.yaml', widenedRole))).code).toBe(1);
    });

    test('GIVEN --workloads with the Services THEN they count (auto mTLS needs them): a principal opened is seen', async () => {
      // MESH's own AuthorizationPolicy (web may GET), first naming another principal, behind STRICT mTLS.
      const [allowPolicy] = MESH.split('---').filter((doc) => /kind: AuthorizationPolicy/.test(doc));
      const strict = '\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: shop}\nspec: {mtls: {mode: STRICT}}\n';
      const policies = (principal: string) => [strict, allowPolicy.replace('sa/web', `sa/${principal}`)].join('---');
      const cluster = tempFile('cluster.yaml', MESH.split('---').filter((doc) => doc !== allowPolicy).join('---'));
      const { code, stdout } = await cli('diff', tempFile('old.yaml', policies('nobody')), tempFile('new.yaml', policies('web')), '--workloads', cluster);
      expect(stdout).toContain('+ shop/web -> shop/api 8080/TCP');
      expect(code).toBe(1);
    });
  });

  test('explain of dist/ shows the cross-namespace API grant', async () => {
    const { stdout } = await cli('explain', path.join(ROOT, 'dist'));
    expect(stdout).toContain('| ServiceAccount shop/cartservice | data | get | secrets | redis-cart-auth | RoleBinding data/api-access.shop.cartservice → Role data/api-access.shop.cartservice |');
  });

  test('lint --format json prints {"problems":[...]} and exits 1 on errors', async () => {
    const bad = tempFile('bad-authz.yaml', 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: bad, namespace: shop}\nspec:\n  action: BLOCK\n');
    const { code, stdout } = await cli('lint', bad, '--format', 'json');
    expect(code).toBe(1);
    expect(JSON.parse(stdout).problems).toContainEqual(expect.objectContaining({ severity: 'error', kind: 'AuthorizationPolicy', namespace: 'shop', name: 'bad' }));
  });

  test('--help prints the usage and exits 0; no command prints it and exits 2', async () => {
    expect(await cli('--help')).toMatchObject({ code: 0, stdout: expect.stringContaining('Usage: mesh-policy') });
    expect((await cli()).code).toBe(2);
  });

  test('-h is --help, before or after a command', async () => {
    const [alone, afterCommand, help] = await Promise.all([cli('-h'), cli('reach', '-h'), cli('--help')]);
    expect(alone).toEqual(help);
    expect(afterCommand).toEqual(help);
  });

  test('after --, a token that starts with - is a path, not an option', () => {
    expect(parseArgs(['reach', '--format', 'json', '--', '-mesh.yaml', '--list-denied'])).toEqual({
      command: 'reach', positionals: ['-mesh.yaml', '--list-denied'], options: new Map([['format', ['json']]]), flags: new Set(),
    });
  });
});

describe('mesh-policy input details', () => {
  test('a requests file may start with a byte order mark', async () => {
    const requests = tempFile('bom.json', '\uFEFF[{"from": "shop/web", "to": "shop/api", "port": 8080}]');
    const { code, stdout } = await cli('check', tempFile('mesh.yaml', MESH), '--requests', requests, '--format', 'json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout).results).toHaveLength(1);
  });

  test('without a command the usage goes to stderr (exit 2), and stdout stays empty for scripts', async () => {
    const { code, stdout, stderr } = await cli();
    expect([code, stdout]).toEqual([2, '']);
    expect(stderr).toMatch(/^Usage: mesh-policy <command>/);
  });
});

describe('bin/mesh-policy', () => {
  /** 200 workloads without policies: 39,800 allowed pairs, megabytes of output, far more than a pipe holds. */
  function bigCluster(): string {
    const deployments = Array.from({ length: 200 }, (_, i) => ({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `w${i}`, namespace: 'big' },
      spec: { selector: { matchLabels: { app: `w${i}` } }, template: { metadata: { labels: { app: `w${i}` } }, spec: { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80 }] }] } } },
    }));
    return tempFile('big.json', JSON.stringify({ apiVersion: 'v1', kind: 'List', items: deployments }));
  }

  test('a reader that closes the pipe early ends the command quietly (no EPIPE stack trace)', () => {
    const bin = path.join(ROOT, 'bin', 'mesh-policy');
    const result = spawnSync('sh', ['-c', `"${bin}" reach "${bigCluster()}" | head -c 10`], { encoding: 'utf8' });
    expect(result.stdout).toHaveLength(10);
    expect(result.stderr).toBe('');
  });

  test('a report piped to a reader that starts late arrives whole (written as the reader takes it)', async () => {
    const bin = path.join(ROOT, 'bin', 'mesh-policy');
    const big = bigCluster();
    const result = spawnSync('bash', ['-c', `set -o pipefail; "${bin}" reach "${big}" --format json | (sleep 0.3; wc -c)`], { encoding: 'utf8' });
    const { stdout } = await runCli('reach', big, '--format', 'json');
    expect([result.status, result.stderr]).toEqual([0, '']);
    expect(Number(result.stdout.trim())).toBe(Buffer.byteLength(stdout));
  });

  test('GIVEN a diff that widens access WHEN its reader closes the pipe at once THEN it still exits 1', () => {
    const bin = path.join(ROOT, 'bin', 'mesh-policy');
    const deployment = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'shop' },
      spec: { selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80 }] }] } } },
    };
    const client = { ...deployment, metadata: { name: 'web', namespace: 'shop' } };
    const denyAll = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'shop' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } };
    const list = (items: object[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
    const before = tempFile('old.json', list([deployment, client, denyAll]));
    const after = tempFile('new.json', list([deployment, client]));
    // `true` reads nothing and exits: the CLI's first write meets a closed pipe (EPIPE).
    const result = spawnSync('bash', ['-c', `set -o pipefail; "${bin}" diff "${before}" "${after}" | true`], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
  });

  test('is an executable node script that runs the compiled CLI', async () => {
    const bin = path.join(ROOT, 'bin', 'mesh-policy');
    expect(fs.readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(fs.statSync(bin).mode & 0o111).not.toBe(0);
    const result = spawnSync(bin, ['check', ...BOUTIQUE_ARGS, '--from', 'default/frontend', '--to', 'default/cartservice', '--port', '7070', '--format', 'json'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).results[0].allowed).toBe(true);
  });
});
