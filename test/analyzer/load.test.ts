import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { InputError, loadManifests, parseManifestText } from '../../analyzer';

function tempTree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-policy-load-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  return root;
}

const kinds = (objects: ReturnType<typeof loadManifests>) => objects.map(({ object }) => `${object.kind}/${(object.metadata as { name: string }).name}`);

describe('loading manifests', () => {
  test('a directory is read recursively in name order, .yaml/.yml/.json only', () => {
    const root = tempTree({
      'b.yaml': 'kind: Namespace\nmetadata: {name: b}\n',
      'a/x.yml': 'kind: Namespace\nmetadata: {name: ax}\n',
      'c.json': '{"kind":"Namespace","metadata":{"name":"c"}}',
      'notes.txt': 'kind: Namespace\nmetadata: {name: ignored}\n',
    });
    expect(kinds(loadManifests([root]))).toEqual(['Namespace/ax', 'Namespace/b', 'Namespace/c']);
  });

  test('multi-document YAML gives one object per document, skipping empty ones', () => {
    const objects = parseManifestText('---\nkind: Namespace\nmetadata: {name: a}\n---\n---\nkind: Namespace\nmetadata: {name: b}\n', 'm.yaml');
    expect(kinds(objects)).toEqual(['Namespace/a', 'Namespace/b']);
    expect(objects[1].source).toEqual({ file: 'm.yaml', document: 2 });
  });

  test('kind: List (and typed lists such as PodList) are flattened, remembering the item index', () => {
    const text = JSON.stringify({ kind: 'List', items: [{ kind: 'Pod', metadata: { name: 'a' } }, { kind: 'PodList', items: [{ kind: 'Pod', metadata: { name: 'b' } }] }] });
    const objects = parseManifestText(text, 'l.json');
    expect(kinds(objects)).toEqual(['Pod/a', 'Pod/b']);
    expect(objects[0].source).toEqual({ file: 'l.json', document: 0, item: 0 });
  });

  test('a top-level JSON array is a list of objects', () => {
    expect(kinds(parseManifestText('[{"kind":"Pod","metadata":{"name":"a"}}]', 'a.json'))).toEqual(['Pod/a']);
  });

  test('mappings without kind (tool configuration) are skipped', () => {
    expect(parseManifestText('replicas: 3\n', 'values.yaml')).toEqual([]);
  });

  test('malformed YAML is an error naming the file and the document index', () => {
    const parse = () => parseManifestText('kind: Namespace\nmetadata: {name: a}\n---\nkind: [unclosed\n', 'bad.yaml');
    expect(parse).toThrow(InputError);
    expect(parse).toThrow(/^bad\.yaml: document 1: malformed YAML/);
  });

  test('a YAML error gives the line in the file, not in the document', () => {
    const text = 'kind: Pod\nmetadata: {name: a}\n---\nkind: Pod\nmetadata:\n  name: b\n  labels: {a: [}\n';
    expect(() => parseManifestText(text, 'bad.yaml')).toThrow(/^bad\.yaml: document 1: malformed YAML: .* at line 7, column \d+$/);
  });

  test('a YAML file of JSON documents separated by --- is YAML (JSON is a subset), not one malformed JSON value', () => {
    const text = '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}}\n---\n{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"b"}}\n';
    expect(parseManifestText(text, 'dump.yaml').map((loaded) => loaded.object.metadata)).toEqual([{ name: 'a' }, { name: 'b' }]);
    expect(() => parseManifestText(text, 'dump.json')).toThrow(/^dump\.json: document 0: malformed JSON/);
  });

  test('malformed JSON is an error naming the file', () => {
    expect(() => parseManifestText('{"kind":', 'bad.json')).toThrow(/^bad\.json: document 0: malformed JSON/);
  });

  test('a document that is not an object is an error', () => {
    expect(() => parseManifestText('kind: Namespace\nmetadata: {name: a}\n---\njust text\n', 'x.yaml'))
      .toThrow('x.yaml: document 1: expected a Kubernetes object, found the text "just text"');
  });

  test('an unreadable path is an error naming it', () => {
    expect(() => loadManifests(['/nonexistent/manifests'])).toThrow('cannot read /nonexistent/manifests: no such file or directory');
  });
});
