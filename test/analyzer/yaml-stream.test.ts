import * as fc from 'fast-check';
import { parseAllDocuments, stringify } from 'yaml';
import { YamlDocument, readYamlStream } from '../../analyzer/load/yaml-stream';

// The fast reader must give exactly what the `yaml` package gives, or give up on the document.
function viaYamlPackage(text: string): unknown[] {
  const documents = parseAllDocuments(text, { uniqueKeys: false });
  return (Array.isArray(documents) ? documents : [documents]).map((document) => document.toJS());
}

function viaFastReader(text: string): unknown[] | undefined {
  return fastDocuments(text)?.map((document) => (document.parsed ? document.value : viaYamlPackage(document.text)[0] ?? null));
}

function fastDocuments(text: string, keep?: Parameters<typeof readYamlStream>[1]): YamlDocument[] | undefined {
  const documents = readYamlStream(text, keep);
  return documents && [...documents];
}

const tricky = fc.constantFrom(
  '', ' ', 'a b', 'x: y', 'a #b', '#c', '- x', '-', '*ref', '&anchor', '!tag', '|', '>', '?', '@', '`', '%',
  '123', '-0', '+12', '0o17', '0x1F', '1e3', '.5', '1.', '.inf', '-.Inf', '.nan', '1_000', '0755', 'true', 'False', 'NULL', '~',
  'null', 'yes', 'on', "it's", 'say "hi"', 'back\\slash', 'tab\there', 'multi\nline', 'trailing\n', 'é ü 中', 'a:b', 'http://x:80/y',
  '{a}', '[x]', 'a, b', 'key:', ': lead', ' lead', 'trail ', '---', '...',
);
const text = fc.oneof(tricky, fc.string({ maxLength: 8 }));
const key = fc.oneof(fc.constantFrom('name', 'app.kubernetes.io/name', '8080', 'with space', 'true', '1.5', '-x', 'a:b', 'x #y', "q'uote", '"dq"'), fc.string({ maxLength: 6 }));
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null),
    fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(key, tie('node'), { maxKeys: 4 })),
})).node;
const documents = fc.array(fc.dictionary(key, value, { maxKeys: 5 }), { minLength: 1, maxLength: 3 });
const options = fc.constantFrom<Parameters<typeof stringify>[2]>({}, { indentSeq: false }, { lineWidth: 0 }, { indent: 4 },
  { defaultStringType: 'QUOTE_DOUBLE' }, { defaultStringType: 'QUOTE_SINGLE' }, { collectionStyle: 'flow' }, { blockQuote: 'literal' });

describe('fast YAML reader', () => {
  test('reads what `yaml` writes exactly as `yaml` reads it (property)', () => {
    fc.assert(fc.property(documents, options, (docs, format) => {
      const streamText = docs.map((doc) => stringify(doc, null, format)).join('---\n');
      expect(viaFastReader(streamText)).toEqual(viaYamlPackage(streamText));
    }), { numRuns: 400 });
  });

  test('counts documents like `yaml`: a leading --- opens none, later ones open empty documents', () => {
    const streamText = '# header\n---\na: 1\n---\n---\nb: [1, "two", {c: d}]\n';
    expect(viaFastReader(streamText)).toEqual([{ a: 1 }, null, { b: [1, 'two', { c: 'd' }] }]);
  });

  test('reads literal block scalars with their chomping', () => {
    const streamText = 'a: |\n  x\n  y\n\nb: |-\n  z\nc: |+\n  w\n\nd: 1\n';
    expect(fastDocuments(streamText)).toEqual([{ parsed: true, value: { a: 'x\ny\n', b: 'z', c: 'w\n\n', d: 1 } }]);
  });

  test('reads a key alike, plain, quoted or padded, in every document (keys are recognized in place once seen)', () => {
    const streamText = 'name: a\n"name": b\n---\nname  : c\nkey: 1\n---\n\'key\': 2\n"null": 3\n---\nnull: 4\n';
    expect(fastDocuments(streamText)).toEqual([
      { parsed: true, value: { name: 'b' } },
      { parsed: true, value: { name: 'c', key: 1 } },
      { parsed: true, value: { key: 2, null: 3 } },
      { parsed: false, text: 'null: 4\n', firstLine: 9 }, // a plain null key is not the text "null": the full parser reads it
    ]);
    expect(viaFastReader(streamText)).toEqual(viaYamlPackage(streamText));
  });

  test('gives up on a document with anchors, leaving it to the full parser', () => {
    expect(fastDocuments('a: &x {b: 1}\nc: *x\n---\nd: 2\n')).toEqual([
      { parsed: false, text: 'a: &x {b: 1}\nc: *x', firstLine: 0 },
      { parsed: true, value: { d: 2 } },
    ]);
  });

  test('gives up on the whole stream when it has directives', () => {
    expect(fastDocuments('%YAML 1.2\n---\na: 1\n')).toBeUndefined();
  });

  test('hands the filter each document\'s kind and metadata.namespace as `yaml` reads them (property)', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
    const object = fc.record({
      apiVersion: fc.constant('v1'),
      kind: name,
      metadata: fc.record({ name, namespace: name, labels: fc.dictionary(key, text, { maxKeys: 2 }) }, { requiredKeys: ['name'] }),
      spec: value,
    });
    fc.assert(fc.property(fc.array(object, { minLength: 1, maxLength: 4 }), options, (objects, format) => {
      const streamText = objects.map((object) => stringify(object, null, format)).join('---\n');
      const seen: [string, string | undefined][] = [];
      fastDocuments(streamText, (kind, namespace) => seen.push([kind, namespace]) > 0);
      const expected = (viaYamlPackage(streamText) as { kind: string; metadata: { namespace?: string } }[])
        .map((document): [string, string | undefined] => [document.kind, document.metadata.namespace]);
      // Plain block keys: every document is peeked at. Quoted keys and flow style are not peeked at:
      // those documents are read in full instead.
      const style = format as { collectionStyle?: string; defaultStringType?: string };
      const peeked = style.collectionStyle !== 'flow' && style.defaultStringType === undefined;
      expect(seen).toEqual(peeked ? expected : []);
    }), { numRuns: 300 });
  });

  test('skips documents the filter rejects by their kind and metadata.namespace, without reading them', () => {
    const streamText = 'kind: Pod\nmetadata:\n  name: a\n  namespace: "x"\nspec: [unparsed\n---\nkind: Pod\nmetadata:\n  name: b\n  namespace: y\n';
    const kept = fastDocuments(streamText, (kind, namespace) => kind === 'Pod' && namespace === 'y');
    expect(kept).toEqual([{ parsed: true, value: null }, { parsed: true, value: { kind: 'Pod', metadata: { name: 'b', namespace: 'y' } } }]);
  });
});
