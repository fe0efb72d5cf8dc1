/**
 * A mesh of thousands of namespaces must not use up the hidden-class transitions of `{}` in V8
 * (constructs/children-anchor.ts): once they are used up, every object built key by key gets a class
 * of its own and all of synth slows down (20,000 services: render 10.9 s instead of 6.2 s).
 * Checked through V8's own `%HaveSameMap`, in a child process started with --allow-natives-syntax,
 * on the built library (`npm test` builds it first).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { Mesh } from '../../constructs';
import { CHILDREN_ANCHOR_ID } from '../../constructs/children-anchor';

const LIBRARY = path.resolve(__dirname, '../../lib/constructs');

/** Declares `namespaces` namespaces of one service each, then asks whether `{}` still shares classes. */
function sharedClassesAfter(namespaces: number): string {
  const script = `
    const { App } = require('cdk8s');
    const { Mesh } = require(${JSON.stringify(LIBRARY)});
    const mesh = new Mesh(new App(), 'mesh');
    for (let i = 0; i < ${namespaces}; i++) mesh.addNamespace('ns-' + i).addService('svc-' + i);
    const key = 'added' + 'Later';
    const a = {}; a[key] = 1;
    const b = {}; b[key] = 2;
    process.stdout.write(String(%HaveSameMap(a, b)));
  `;
  const result = spawnSync(process.execPath, ['--allow-natives-syntax', '-e', script], {
    cwd: path.resolve(__dirname, '../..'), encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout;
}

describe('hidden classes at scale', () => {
  test('after 2,000 namespaces, two objects built alike from {} still share their hidden class', () => {
    // V8 keeps 1,536 transitions per map: 2,000 namespaces starting with distinct service names would fill it.
    expect(sharedClassesAfter(2000)).toBe('true');
  });

  test("a namespace's services are its only declared children; the anchor comes first", () => {
    const mesh = new Mesh(Testing.app(), 'mesh');
    const namespace = mesh.addNamespace('shop');
    namespace.addService('orders');
    expect(namespace.node.children.map((child) => child.node.id)).toEqual([CHILDREN_ANCHOR_ID, 'orders']);
    expect(namespace.services.map((service) => service.name)).toEqual(['orders']);
  });

  test('the anchor id is refused as a service name, saying what a name must be', () => {
    const namespace = new Mesh(Testing.app(), 'mesh').addNamespace('shop');
    expect(() => namespace.addService(CHILDREN_ANCHOR_ID)).toThrow(
      `mesh/shop: addService('${CHILDREN_ANCHOR_ID}'): a service name must be a DNS-1035 label`,
    );
  });

  test('as a namespace name it is reported at synth with the other problems, like any name that is not a label', () => {
    const mesh = new Mesh(Testing.app(), 'mesh');
    mesh.addNamespace(CHILDREN_ANCHOR_ID);
    expect(mesh.problems().map((problem) => problem.message)).toContain(
      `namespace name '${CHILDREN_ANCHOR_ID}' is not a DNS-1123 label; use at most 63 lowercase alphanumerics and '-'`,
    );
  });
});
