import { Testing } from 'cdk8s';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { onlineBoutique } from '../../main';
import { expectBadInput, runCli } from '../support/cli-run';

const ROOT = path.resolve(__dirname, '../..');
const DIST = path.join(ROOT, 'dist');

const cli = runCli;

const scratch = () => fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-policy-verify-cli-'));

/** The declared access of main.ts, as a synth writes it (keyed by the mesh's construct path). */
function declaredAccessFile(edit: (declared: Record<string, unknown>) => void = () => undefined): string {
  const mesh = onlineBoutique(Testing.app());
  const declared = JSON.parse(JSON.stringify(mesh.declaredAccess())) as Record<string, unknown>;
  edit(declared);
  const file = path.join(scratch(), 'declared-access.json');
  fs.writeFileSync(file, JSON.stringify({ meshes: { [mesh.node.path]: declared } }));
  return file;
}

/** A copy of dist/ without the documents `drop` selects (documents split on the YAML separator). */
function editedDist(drop: (document: string) => boolean): string {
  const dir = scratch();
  for (const file of fs.readdirSync(DIST)) {
    const documents = fs.readFileSync(path.join(DIST, file), 'utf8').split(/^---\n/m);
    fs.writeFileSync(path.join(dir, file), documents.filter((d) => !drop(d)).join('---\n'));
  }
  return dir;
}

describe('mesh-policy verify', () => {
  test('GIVEN dist/ and the declared access of main.ts WHEN --format json THEN ok, with the questions asked and no mismatch', async () => {
    const { code, stdout } = await cli('verify', DIST, '--declared-access', declaredAccessFile(), '--format', 'json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toEqual({ ok: true, meshes: [{ mesh: 'online-boutique', requests: expect.any(Number), apiRequests: expect.any(Number), mismatches: [], notes: [] }] });
    expect(report.meshes[0].requests).toBeGreaterThan(300);
    expect(report.meshes[0].apiRequests).toBeGreaterThan(100);
  });

  test('GIVEN the RoleBinding removed from the manifests THEN exit 1 and the lost API grant is named', async () => {
    const manifests = editedDist((document) => /^kind: RoleBinding$/m.test(document));
    const { code, stdout } = await cli('verify', manifests, '--declared-access', declaredAccessFile());
    expect(code).toBe(1);
    expect(stdout).toContain('[api] shop/cartservice get secrets redis-cart-auth in data: declared allowed, manifests deny');
    expect(stdout.trimEnd().split('\n').pop()).toBe('the manifests do not implement the declared access');
  });

  test('GIVEN a declared IP block that its exceptions cover THEN the text output notes it, and the rest still verifies (exit 0)', async () => {
    // GIVEN an edge from a block with no address outside its two halves, which the manifests (rightly) do not open
    const covered = { kind: 'ipBlock', cidr: '10.9.0.0/24', except: ['10.9.0.0/25', '10.9.0.128/25'], transport: 'PLAINTEXT' };
    const file = declaredAccessFile((declared) => {
      (declared.edges as unknown[]).push({ from: covered, to: 'shop/cartservice', containerPorts: [7070], methods: [], paths: [] });
    });
    // WHEN verifying
    const { code, stdout } = await cli('verify', DIST, '--declared-access', file);
    // THEN it passes, and says that nothing inside the block could be probed
    expect(code).toBe(0);
    expect(stdout).toContain('\n  note: ipBlock 10.9.0.0/24 except 10.9.0.0/25, 10.9.0.128/25 (from it to shop/cartservice) has no address outside its except ranges: '
      + 'the declaration lets nothing through it, so only its except ranges were probed\n');
  });

  test('GIVEN a declared-access file of another version THEN exit 2 and a message that says to synthesize again', async () => {
    const result = await cli('verify', DIST, '--declared-access', declaredAccessFile((declared) => { delete declared.grants; }));
    expectBadInput(result, /mesh online-boutique lacks grants; it was written by another version of cdk8s-mesh-policy: synthesize again\n$/);
  });

  test('GIVEN both --declared-access and --app THEN exit 2: it does not pick one of the two declarations silently', async () => {
    const result = await cli('verify', DIST, '--declared-access', declaredAccessFile(), '--app', 'npx ts-node main.ts');
    expectBadInput(result, /--declared-access cannot be combined with --app/);
  });

  test('GIVEN an app command killed by a signal THEN exit 2 and the message says so (not "exit null")', async () => {
    expectBadInput(await cli('verify', DIST, '--app', 'kill -KILL $$'), /^mesh-policy: the app command failed \(killed by SIGKILL\): kill -KILL \$\$\n$/);
  });

  test('GIVEN no --declared-access THEN it runs the app of cdk8s.yaml to learn the intent', async () => {
    const { code, stdout } = await cli('verify', DIST);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^online-boutique: \d+ requests per layer .*, \d+ API requests \(RBAC\), 0 mismatches$/m);
    expect(stdout).toContain(`${DIST} allows exactly the declared access`);
  });
});
