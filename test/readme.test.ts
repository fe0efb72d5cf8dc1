import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');

/** Runs a TypeScript snippet as a module whose `cdk8s-mesh-policy` import is this checkout. */
function runSnippet(source: string, outdir: string): void {
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const localRequire = (id: string) => require(id === 'cdk8s-mesh-policy' ? path.join(__dirname, '..', 'constructs') : id);
  const previous = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = outdir;
  try {
    new Function('require', 'exports', js)(localRequire, {});
  } finally {
    if (previous === undefined) delete process.env.CDK8S_OUTDIR;
    else process.env.CDK8S_OUTDIR = previous;
  }
}

describe('README', () => {
  test('GIVEN the example WHEN run THEN it synthesizes the policies it describes', () => {
    const example = /## Example\n\n```ts\n([^]*?)```/.exec(README)![1];
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-example-'));
    runSnippet(example, outdir);
    const yaml = fs.readFileSync(path.join(outdir, 'shop.k8s.yaml'), 'utf8');
    expect(yaml).toContain('name: orders-allow');
    expect(yaml).toContain('/shop.Orders/*');
    expect(yaml).toContain('kind: RoleBinding');
  });

  test('GIVEN the public API THEN the API reference names every export of constructs/index.ts', () => {
    const index = fs.readFileSync(path.join(__dirname, '..', 'constructs', 'index.ts'), 'utf8');
    const exported = [...index.matchAll(/export (?:type )?\{([^}]*)\}/g)]
      .flatMap((match) => match[1].split(',').map((name) => name.trim()).filter(Boolean));
    const reference = README.slice(README.indexOf('## API reference'), README.indexOf('## The analyzer'));
    const undocumented = exported.filter((name) => !new RegExp(`\`[^\`]*\\b${name}\\b[^\`]*\``).test(reference));
    expect(exported.length).toBeGreaterThan(30);
    expect(undocumented).toEqual([]);
  });

  test('GIVEN the quick start THEN its two commands are the npm scripts that exist', () => {
    const scripts = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')).scripts;
    expect(README).toContain('npm ci && npm run synth');
    expect(README).toContain('npm ci && npm test');
    expect(scripts.synth).toMatch(/^cdk8s synth/);
    expect(scripts.test).toContain('jest');
  });
});
