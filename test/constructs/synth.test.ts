import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Testing, Yaml, YamlOutputType } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import * as fc from 'fast-check';
import { Mesh, MeshApp, MeshPort, Peer, PeerTransport } from '../../constructs';
import { canonicalManifest } from '../../constructs/synth/canonical';
import { stringifyDocument } from '../../constructs/synth/yaml-writer';
import { onlineBoutique } from '../../main';

const tmpdir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-synth-'));
const readDir = (dir: string) => Object.fromEntries(fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));

/** The files that MeshApp and cdk8s's App write for the same declaration. */
function synthBoth(build: (app: App) => void): { fast: Record<string, string>; plain: Record<string, string> } {
  const [fastDir, plainDir] = [tmpdir(), tmpdir()];
  const fastApp = new MeshApp({ outdir: fastDir });
  build(fastApp);
  fastApp.synth();
  const plainApp = new App({ outdir: plainDir });
  build(plainApp);
  plainApp.synth();
  return { fast: readDir(fastDir), plain: readDir(plainDir) };
}

/** Strings that YAML treats specially (numbers, YAML 1.1 booleans, indicators) next to ordinary ones. */
const trickyString = fc.oneof(
  fc.constantFrom('8080', '0', '1e3', '0x1F', '1.5', '-', '*', '*.json', '/api/*', 'yes', 'No', 'on', 'Y', 'n', 'null', '~', 'true',
    'a: b', 'x #y', '@x', '`x', '%x', '!x', '&x', '|', '>', '[a]', '{a}', '? x', ' lead', 'trail ', '', 'a"b', "it's", '2001:db8::/32',
    '10.0.0.0/8', '1:20', 'cluster.local/ns/a/sa/b', 'app.kubernetes.io/name', 'é', 'multi\nline', 'tab\there'),
  fc.string(),
  fc.stringMatching(/^[a-z][a-z0-9.\/-]{0,12}$/),
);
const key = fc.oneof(trickyString, fc.constantFrom('8080', '443', '10000', 'y', 'n', 'apiVersion', 'metadata', 'spec'));
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' },
    trickyString, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(),
    fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(key, tie('value'), { maxKeys: 4 })),
})).value;

describe('YAML writer', () => {
  test('writes exactly what cdk8s Yaml.stringify writes, for any document', () => {
    fc.assert(fc.property(fc.dictionary(key, jsonValue, { maxKeys: 6 }), (doc) => {
      const canonical = canonicalManifest(doc);
      expect(stringifyDocument(canonical)).toBe(Yaml.stringify(canonical));
    }), { numRuns: 500, seed: 42 });
  });

  test('falls back to the yaml package for a document with a multi-line string', () => {
    const doc = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { script: 'a\nb\n' } };
    expect(stringifyDocument(doc)).toBe(Yaml.stringify(doc));
    expect(stringifyDocument(doc)).toContain('script: |');
  });
});

describe('canonical manifests', () => {
  test('equal what cdk8s ApiObject.toJson() produces, for every object of the example', () => {
    const mesh = onlineBoutique(Testing.app());
    const chart = new Chart(Testing.app(), 'probe');
    mesh.toManifests().forEach((manifest, i) => {
      const viaCdk8s = new ApiObject(chart, `o${i}`, manifest).toJson();
      expect(JSON.stringify(canonicalManifest(manifest))).toBe(JSON.stringify(viaCdk8s));
    });
  });

  test('equal ApiObject.toJson() key order too, for integer-like keys and empty metadata maps', () => {
    const chart = new Chart(Testing.app(), 'probe');
    const manifest = { kind: 'X', apiVersion: 'v1', metadata: { name: 'n', labels: {}, annotations: {} }, spec: { portLevelMtls: { 9000: 1, 10000: 2, b: 3, a: null } } };
    expect(JSON.stringify(canonicalManifest(manifest))).toBe(JSON.stringify(new ApiObject(chart, 'x', manifest as any).toJson()));
  });
});

describe('MeshApp', () => {
  test('writes byte-identical files to cdk8s App for the embedded example', () => {
    const { fast, plain } = synthBoth(onlineBoutique);
    expect(fast).toEqual(plain);
    expect(Object.keys(fast)).toEqual(['online-boutique.k8s.yaml']);
  });

  test('keeps ApiObjects the user adds to the mesh chart and other charts, in cdk8s order', () => {
    const build = (app: App) => {
      const mesh = new Mesh(app, 'mesh');
      const ns = mesh.addNamespace('api');
      ns.addService('orders', { ports: [MeshPort.grpc(50051)] }).allowFrom(ns.addService('client'));
      new k8s.KubeConfigMap(mesh, 'settings', { metadata: { name: 'settings', namespace: 'api' }, data: { mode: 'on' } });
      new k8s.KubeConfigMap(new Chart(app, 'extras'), 'more', { metadata: { name: 'more' }, data: { script: 'line1\nline2' } });
    };
    const { fast, plain } = synthBoth(build);
    expect(fast).toEqual(plain);
    expect(fast['mesh.k8s.yaml'].startsWith('apiVersion: v1\nkind: ConfigMap')).toBe(true);
  });

  test('reports every validation error the way cdk8s does and writes nothing', () => {
    const outdir = path.join(tmpdir(), 'out');
    const app = new MeshApp({ outdir });
    const ns = new Mesh(app, 'mesh').addNamespace('api');
    ns.addService('orders', { ports: [MeshPort.tcp(0)] });
    ns.addService('Bad');
    expect(() => app.synth()).toThrow(/^Validation failed with the following errors:\n {2}\[mesh\/api\/orders\] port 0 of 'tcp-0' is out of range[^]*\n {2}\[mesh\/api\/Bad\] service name 'Bad'/);
    expect(fs.existsSync(outdir)).toBe(false);
  });

  test('falls back to cdk8s for other output types, with the same files', () => {
    const [fastDir, plainDir] = [tmpdir(), tmpdir()];
    const fastApp = new MeshApp({ outdir: fastDir, yamlOutputType: YamlOutputType.FILE_PER_RESOURCE });
    onlineBoutique(fastApp);
    expect(fastApp.synthFiles()).toEqual([]);
    const plainApp = new App({ outdir: plainDir, yamlOutputType: YamlOutputType.FILE_PER_RESOURCE });
    onlineBoutique(plainApp);
    plainApp.synth();
    expect(readDir(fastDir)).toEqual(readDir(plainDir));
    expect(Object.keys(readDir(fastDir)).length).toBeGreaterThan(50);
  });

  test('reproduces the committed dist/ (the example\'s snapshot, reviewed in pull requests)', () => {
    const outdir = tmpdir();
    const app = new MeshApp({ outdir });
    onlineBoutique(app);
    app.synth();
    const committed = path.join(__dirname, '..', '..', 'dist');
    expect(readDir(outdir)).toEqual(readDir(committed));
  });

  test('synthFiles tells how many documents and bytes each file got', () => {
    const outdir = tmpdir();
    const app = new MeshApp({ outdir });
    const mesh = onlineBoutique(app);
    const [result] = app.synthFiles();
    expect(result.file).toBe(path.join(outdir, 'online-boutique.k8s.yaml'));
    expect(result.documents).toBe(mesh.toManifests().length);
    expect(result.bytes).toBe(fs.statSync(result.file).size);
  });
});

describe('object order', () => {
  test('GIVEN a namespace with exceptions WHEN synthesized THEN each namespace-wide lockdown follows the exceptions of its kind (kubectl apply creates them in file order)', () => {
    const mesh = new Mesh(Testing.app(), 'm', { metricsScraper: { namespace: 'monitoring' } });
    const ns = mesh.addNamespace('api');
    // Service names on both sides of the lockdowns' names in the alphabet.
    const zeta = ns.addService('zeta', { ports: [MeshPort.http(8080)] });
    zeta.allowFrom(ns.addService('alpha'));
    zeta.allowFrom(Peer.ipBlock('203.0.113.0/24', { transport: PeerTransport.PLAINTEXT }));
    const order = mesh.toManifests().map((m) => `${m.kind}/${m.metadata.name}`);
    const ofKind = (kind: string) => order.filter((o) => o.startsWith(`${kind}/`));
    expect(ofKind('NetworkPolicy')).toEqual([
      'NetworkPolicy/allow-metrics-scraping', 'NetworkPolicy/allow-platform-egress', 'NetworkPolicy/alpha-egress', 'NetworkPolicy/zeta-ingress', 'NetworkPolicy/default-deny',
    ]);
    expect(ofKind('PeerAuthentication')).toEqual(['PeerAuthentication/zeta-plaintext-ports', 'PeerAuthentication/default']);
    expect(ofKind('AuthorizationPolicy')).toEqual(['AuthorizationPolicy/zeta-allow', 'AuthorizationPolicy/allow-nothing']);
    // Kinds keep their order: what a kind refers to comes first.
    expect(order[0]).toBe('Namespace/api');
  });
});
