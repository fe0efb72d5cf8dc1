import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { stringify } from 'yaml';
import { MeshPolicyValidation } from '../../cli/verify/plugin';
import { Mesh, MeshPort, Peer, PeerTransport } from '../../constructs';

/** What the plugin hands cdk8s-cli: its violations and the submitted status and metadata. */
async function validate(mesh: Mesh) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-policy-plugin-'));
  const manifest = path.join(dir, 'mesh.k8s.yaml');
  fs.writeFileSync(manifest, mesh.toManifests().map((object) => stringify(object)).join('---\n'));
  const declaredAccess = path.join(dir, 'declared-access.json');
  fs.writeFileSync(declaredAccess, JSON.stringify({ meshes: { [mesh.node.path]: mesh.declaredAccess() } }));
  const violations: unknown[] = [];
  let submitted: { status: string; metadata?: Record<string, string> } | undefined;
  await new MeshPolicyValidation({ declaredAccess }).validate({
    manifests: [manifest],
    report: { addViolation: (violation) => violations.push(violation), submit: (status, metadata) => { submitted = { status, metadata }; } },
  });
  return { violations, submitted };
}

describe('the cdk8s validation plugin', () => {
  test('GIVEN a mesh as synthesized THEN success, without metadata', async () => {
    const mesh = new Mesh(Testing.app(), 'm');
    mesh.addNamespace('api').addService('orders', { ports: [MeshPort.http(8080, { name: 'http' })] })
      .allowFrom(Peer.ipBlock('10.0.0.0/8', { except: ['10.0.0.0/16'], transport: PeerTransport.PLAINTEXT }));
    expect(await validate(mesh)).toEqual({ violations: [], submitted: { status: 'success', metadata: undefined } });
  });

  test('GIVEN an IP block that its exceptions cover THEN success, and the summary notes that nothing inside it was probed', async () => {
    const mesh = new Mesh(Testing.app(), 'm');
    mesh.addNamespace('api').addService('orders', { ports: [MeshPort.http(8080, { name: 'http' })] })
      .allowFrom(Peer.ipBlock('10.0.0.0/24', { except: ['10.0.0.0/25', '10.0.0.128/25'], transport: PeerTransport.PLAINTEXT }));
    const { violations, submitted } = await validate(mesh);
    expect(violations).toEqual([]);
    expect(submitted).toEqual({
      status: 'success',
      metadata: { 'Note 1': 'm: ipBlock 10.0.0.0/24 except 10.0.0.0/25, 10.0.0.128/25 (from it to api/orders) has no address outside its except ranges: '
        + 'the declaration lets nothing through it, so only its except ranges were probed' },
    });
  });
});
