import { Testing } from 'cdk8s';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DeclaredAccess, Mesh, MeshPort, Peer, PeerTransport } from '../../constructs';
import { onlineBoutique } from '../../main';
import { expectBadInput, runCli } from '../support/cli-run';

// `--stand-ins FILE`: the synth output carries policies, not the Deployments they are for; the
// declared access a synth writes stands the declared services' pods in, so that explain, reach,
// check and diff work on dist/ alone.
const ROOT = path.resolve(__dirname, '../..');
const DIST = path.join(ROOT, 'dist');
const scratch = () => fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-policy-stand-ins-'));

/** Synthesizes a mesh as `cdk8s synth` does: manifests into a directory, the declared access into a file. */
function synthesized(declare: (mesh: Mesh) => void = () => undefined): { dir: string; declared: string; access: DeclaredAccess } {
  const app = Testing.app();
  const mesh = onlineBoutique(app);
  declare(mesh);
  const dir = scratch();
  const objects = Testing.synth(mesh);
  fs.writeFileSync(path.join(dir, 'mesh.k8s.yaml'), objects.map((object) => JSON.stringify(object)).join('\n---\n'));
  const access = mesh.declaredAccess();
  const declared = path.join(scratch(), 'declared-access.json');
  fs.writeFileSync(declared, JSON.stringify({ meshes: { [mesh.node.path]: access } }));
  return { dir, declared, access };
}

/** `from -> to:port` of each service-to-service or gateway edge the declaration lists, one per container port. */
function declaredEdges(access: DeclaredAccess): string[] {
  return access.edges.flatMap((edge) => {
    const from = edge.from.kind === 'service' ? `${edge.from.namespace}/${edge.from.name}`
      : edge.from.kind === 'ingressGateway' ? `${edge.from.namespace}/istio-ingressgateway` : undefined;
    return from ? edge.containerPorts.map((port) => `${from} -> ${edge.to}:${port}`) : [];
  }).sort();
}

describe('--stand-ins: the declared services stand in for the workloads', () => {
  const boutique = synthesized();

  test('GIVEN dist/ alone WHEN reach THEN no workload; WITH the declared access THEN exactly the declared edges are allowed', async () => {
    expect(JSON.parse((await runCli('reach', DIST, '--format', 'json')).stdout).summary.workloads).toBe(0);
    const { code, stdout } = await runCli('reach', DIST, '--stand-ins', boutique.declared, '--format', 'json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { summary: { workloads: number }; allowed: Array<{ from: string; to: string; port: number }> };
    // One pod per declared service, and the ingress gateway (an edge names it).
    expect(report.summary.workloads).toBe(boutique.access.services.length + 1);
    const allowed = report.allowed.map((edge) => `${edge.from} -> ${edge.to}:${edge.port}`).sort();
    expect(allowed).toEqual(declaredEdges(boutique.access));
    expect(allowed).toContain('istio-ingress/istio-ingressgateway -> web/frontend:8080');
  });

  test('GIVEN dist/ and the declared access WHEN explain THEN the matrix shows the declared calls with their gRPC methods', async () => {
    const { code, stdout } = await runCli('explain', DIST, '--stand-ins', boutique.declared);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\| shop\/cartservice \| 6379\/TCP \|$/m);
    expect(stdout).toContain('| web/frontend | 7070/TCP POST /hipstershop.CartService/* |');
  });

  test('GIVEN dist/ and the declared access WHEN check THEN a declared call passes and an undeclared one is denied', async () => {
    const ask = async (from: string, to: string, port: string) =>
      JSON.parse((await runCli('check', DIST, '--stand-ins', boutique.declared, '--from', from, '--to', to, '--port', port, '--format', 'json')).stdout).results[0];
    expect(await ask('shop/cartservice', 'data/redis-cart', '6379')).toMatchObject({ allowed: true });
    expect(await ask('web/frontend', 'data/redis-cart', '6379')).toMatchObject({ allowed: false, layer: 'network' });
  });

  test('GIVEN a new edge WHEN diff of the two synth outputs with both declarations THEN the added edge shows and access widens', async () => {
    const widened = synthesized((mesh) => {
      const service = (name: string) => mesh.services.find((s) => s.name === name)!;
      service('redis-cart').allowFrom(service('frontend'));
    });
    const { code, stdout } = await runCli('diff', boutique.dir, widened.dir, '--stand-ins', boutique.declared, '--stand-ins', widened.declared, '--format', 'json');
    expect(code).toBe(1);
    expect(JSON.parse(stdout).added).toEqual([expect.objectContaining({ from: 'web/frontend', to: 'data/redis-cart', port: 6379 })]);
  });

  test('GIVEN access from a namespace outside the mesh and to and from IP blocks THEN diff shows each and access widens', async () => {
    const widened = synthesized((mesh) => {
      const service = (name: string) => mesh.services.find((s) => s.name === name)!;
      service('redis-cart').allowFrom(Peer.namespace('monitoring'));
      service('cartservice').allowTo(Peer.ipBlock('192.0.2.0/24', { except: ['192.0.2.128/25'] }), { ports: [MeshPort.tcp(443)] });
      service('frontend').allowFrom(Peer.ipBlock('203.0.113.0/24', { transport: PeerTransport.PLAINTEXT }));
    });
    const { code, stdout } = await runCli('diff', boutique.dir, widened.dir, '--stand-ins', boutique.declared, '--stand-ins', widened.declared);
    expect(code).toBe(1);
    expect(stdout).toContain('+ monitoring/mesh-policy-probe -> data/redis-cart 6379/TCP');
    expect(stdout).toContain('+ shop/cartservice -> outside 192.0.2.0/25 443/TCP');
    expect(stdout).toContain('+ outside 203.0.113.0/24 -> web/frontend 8080/TCP');
    expect(stdout).toMatch(/^access widened: 1 added, 0 removed, 0 changed, outside the cluster 2 added, 0 removed;/m);
  });

  test('GIVEN a Namespace in the manifests THEN it wins over the one the declaration assumes (stand-ins are read first)', async () => {
    const dir = scratch();
    fs.writeFileSync(path.join(dir, 'data.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: data, labels: {istio-injection: disabled}}\n');
    const sidecars = async (...paths: string[]) => {
      const report = JSON.parse((await runCli('reach', ...paths, '--stand-ins', boutique.declared, '--format', 'json')).stdout);
      return Object.fromEntries(report.workloads.map((w: { id: string; sidecar: boolean }) => [w.id, w.sidecar]));
    };
    expect(await sidecars(DIST)).toMatchObject({ 'data/redis-cart': true, 'shop/cartservice': true });
    expect(await sidecars(DIST, dir)).toMatchObject({ 'data/redis-cart': false, 'shop/cartservice': true });
  });

  test('GIVEN an unreadable declared-access file THEN exit 2 naming it', async () => {
    expectBadInput(await runCli('explain', DIST, '--stand-ins', path.join(scratch(), 'missing.json')), /cannot read declared access .*missing\.json/);
  });
});
