import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { DECLARED_ACCESS_ENV, Mesh, MeshPort } from '../../constructs';

// The file through which `mesh-policy verify` and the cdk8s validation plugin learn what the app
// declares: it must describe the meshes of the last synth only.

describe('declared access file', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'declared-access-')); });
  afterEach(() => {
    delete process.env[DECLARED_ACCESS_ENV];
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function synthApp(file: string, meshIds: readonly string[]): void {
    process.env[DECLARED_ACCESS_ENV] = file;
    const app = Testing.app();
    for (const id of meshIds) new Mesh(app, id).addNamespace(`${id}-shop`).addService('api', { ports: [MeshPort.http(8080)] });
    app.synth();
  }

  const recordedMeshes = (file: string) => Object.keys(JSON.parse(fs.readFileSync(file, 'utf8')).meshes).sort();

  test('GIVEN a file left by an earlier synth of another app WHEN an app synthesizes THEN the file holds only its meshes', () => {
    const file = path.join(dir, 'declared-access.json');
    fs.writeFileSync(file, JSON.stringify({ meshes: { 'online-boutique': { services: [], edges: [] } } }));
    synthApp(file, ['shop']);
    expect(recordedMeshes(file)).toEqual(['shop']);
  });

  test('GIVEN an app with two meshes WHEN it synthesizes THEN both are recorded', () => {
    const file = path.join(dir, 'nested', 'declared-access.json');
    synthApp(file, ['east', 'west']);
    expect(recordedMeshes(file)).toEqual(['east', 'west']);
  });
});
