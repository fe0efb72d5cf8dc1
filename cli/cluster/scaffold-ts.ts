import { compareStrings } from '../../analyzer/load/files';
import { DEFAULT_CLUSTER_DOMAIN } from './discover-env';
import { ScaffoldGateway } from './discover-gateways';
import { ScaffoldPort, ScaffoldService } from './discover-model';
import { refusal } from './discover-names';
import { ScaffoldEdge, UnresolvedAddress } from './env-edges';

/** What `discover` found, as printed with `--format json` and rendered as TypeScript. */
export interface MeshScaffold {
  /** What was read: manifest paths or the API server URL. */
  readonly source: string;
  /** The cluster domain addresses were resolved under; the Mesh's `clusterDomain`. */
  readonly clusterDomain: string;
  readonly services: readonly ScaffoldService[];
  readonly edges: readonly ScaffoldEdge[];
  readonly unresolved: readonly UnresolvedAddress[];
  /** Gateway workloads, left out of the declaration (the notes say how to declare them). */
  readonly gateways: readonly ScaffoldGateway[];
  readonly notes: readonly string[];
}

export interface ScaffoldOptions {
  /** Module the constructs are imported from. @default 'cdk8s-mesh-policy' */
  readonly meshModule?: string;
  /** Construct id of the Mesh. @default 'mesh' */
  readonly meshId?: string;
}

/** Names a variable of the module must not take: keywords, names strict mode reserves, and the module's own. */
const RESERVED = new Set([
  'app', 'mesh', 'declareMesh', 'Mesh', 'MeshPort', 'App', 'eval', 'arguments', 'undefined', 'NaN', 'Infinity',
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum',
  'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null', 'return',
  'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'let', 'static', 'yield',
  'await', 'implements', 'interface', 'package', 'private', 'protected', 'public',
]);

/**
 * A readable TypeScript module declaring the scaffold with the public construct API: a function
 * `declareMesh(app)` that adds namespaces, services and, with a comment naming the variables they were
 * read from, `allowFrom` edges. Deterministic: everything sorted, nothing depends on input order.
 */
export function scaffoldTypeScript(scaffold: MeshScaffold, options: ScaffoldOptions = {}): string {
  const names = new Identifiers();
  const called = new Set(scaffold.edges.flatMap((edge) => [edge.from, edge.to]));
  const namespaces = [...new Set(scaffold.services.map((s) => s.namespace))].sort(compareStrings);
  const variable = new Map<string, string>();
  for (const service of scaffold.services) {
    if (called.has(refOf(service))) variable.set(refOf(service), names.take(camel(service.name), camel(`${service.name}-${service.namespace}`)));
  }
  const lines = [
    `// Scaffolded by \`mesh-policy discover\` from ${oneLine(scaffold.source)}.`,
    '// Review before use: the edges are what the workloads\' environment variables name, nothing else.',
    '// Callers from outside the mesh (ingress gateway, load balancers, monitoring) are not declared.',
    "import { App } from 'cdk8s';",
    `import { Mesh${scaffold.services.some((s) => s.ports.length > 0) ? ', MeshPort' : ''} } from ${quote(options.meshModule ?? 'cdk8s-mesh-policy')};`,
    '',
    'export function declareMesh(app: App): Mesh {',
    `  const mesh = new Mesh(app, ${quote(options.meshId ?? 'mesh')}${meshProps(scaffold)});`,
  ];
  for (const namespace of namespaces) {
    const nsVariable = names.take(camel(`${namespace}-ns`), camel(`${namespace}-namespace`));
    lines.push('', `  const ${nsVariable} = mesh.addNamespace(${quote(namespace)});`);
    for (const service of scaffold.services.filter((s) => s.namespace === namespace)) {
      for (const text of renames(service)) lines.push(`  // ${oneLine(text)}`);
      const assigned = variable.get(refOf(service));
      lines.push(`  ${assigned ? `const ${assigned} = ` : ''}${nsVariable}.addService(${quote(service.name)}, {`);
      if (service.ports.length > 0) lines.push(`    ports: [${service.ports.map(portExpression).join(', ')}],`);
      lines.push(`    selector: ${objectLiteral(service.selector)},`, `    serviceAccountName: ${quote(service.serviceAccountName)},`, '  });');
    }
  }
  if (scaffold.edges.length > 0) lines.push('', '  // Calls, as the callers\' environment variables name them.');
  for (const edge of scaffold.edges) {
    const evidence = [...new Set(edge.evidence.map((e) => `${e.workload.split('/')[1]}: ${e.variable} -> ${e.address}${e.from ? ` (from ${e.from})` : ''}`))];
    for (const text of evidence) lines.push(`  // ${oneLine(text)}`);
    const ports = edge.ports.length > 0 ? `, { ports: [${edge.ports.map(quote).join(', ')}] }` : '';
    lines.push(`  ${variable.get(edge.to)}.allowFrom(${variable.get(edge.from)}${ports});`);
  }
  lines.push('', '  return mesh;', '}');
  if (scaffold.unresolved.length > 0) {
    lines.push('', '// Addresses not resolved to a service (declare them by hand if they are calls):');
    for (const u of scaffold.unresolved) {
      lines.push(`// - ${oneLine(`${u.workload} (${u.container}) ${u.variable}${u.address ? ` -> ${u.address}` : ''}${u.from ? ` (from ${u.from})` : ''}: ${u.reason}`)}`);
    }
  }
  if (scaffold.notes.length > 0) {
    lines.push('', '// Notes:');
    for (const note of scaffold.notes) lines.push(`// - ${oneLine(note)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The Mesh's props: only what differs from the library's defaults, so that the scaffold reads like hand-written code. */
function meshProps(scaffold: MeshScaffold): string {
  return scaffold.clusterDomain === DEFAULT_CLUSTER_DOMAIN ? '' : `, { clusterDomain: ${quote(scaffold.clusterDomain)} }`;
}

function refOf(service: ScaffoldService): string {
  return `${service.namespace}/${service.name}`;
}

/** Comments on the names used in place of Kubernetes names the library refuses. */
function renames(service: ScaffoldService): string[] {
  const texts = service.kubernetesName === undefined ? [] : [
    `${service.kubernetesName} is declared as ${service.name}: ${refusal('service', service.kubernetesName)}; `
      + `the selector and ServiceAccount below are its pods' own${service.ports.length > 0 ? `, and the mesh writes its Service as ${service.name}` : ''}`,
  ];
  for (const port of service.ports) {
    if (port.kubernetesName !== undefined) texts.push(`port ${port.kubernetesName} of ${service.name} is declared as ${port.name}: ${refusal('port', port.kubernetesName)}`);
  }
  return texts;
}

function portExpression(port: ScaffoldPort): string {
  const containerPort = port.containerPort !== port.port ? `, containerPort: ${port.containerPort}` : '';
  return `MeshPort.${port.protocol}(${port.port}, { name: ${quote(port.name)}${containerPort} })`;
}

function objectLiteral(record: Readonly<Record<string, string>>): string {
  const entries = Object.entries(record).map(([key, value]) => `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : quote(key)}: ${quote(value)}`);
  return entries.length > 0 ? `{ ${entries.join(', ')} }` : '{}';
}

function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\r?\n/g, '\\n')}'`;
}

/** Values come from the cluster: a line break in one must not end the comment. */
function oneLine(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, ' ');
}

/** `redis-cart` -> `redisCart`; names that are not identifiers or are taken get the fallback, then a number. */
function camel(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const joined = words.map((word, index) => (index === 0 ? word : word[0].toUpperCase() + word.slice(1))).join('');
  return /^[0-9]/.test(joined) ? `svc${joined}` : joined || 'svc';
}

class Identifiers {
  private readonly used = new Set<string>();

  public take(preferred: string, fallback: string): string {
    let name = !this.used.has(preferred) && !RESERVED.has(preferred) ? preferred : fallback;
    for (let n = 2; this.used.has(name) || RESERVED.has(name); n++) name = `${fallback}${n}`;
    this.used.add(name);
    return name;
  }
}
