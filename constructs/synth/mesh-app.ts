import * as fs from 'fs';
import * as path from 'path';
import { App, AppProps, Chart, Names, YamlOutputType } from 'cdk8s';
import { Mesh } from '../mesh';
import { DocumentSink } from './document-sink';

/** What a synth wrote, per file. */
export interface SynthResult {
  readonly file: string;
  readonly documents: number;
  readonly bytes: number;
}

/**
 * A cdk8s `App` that writes meshes fast: the files are byte for byte those of `App.synth()`, but
 * a mesh's objects are rendered straight to YAML, streamed, without an ApiObject per object and
 * without the `yaml` package's document model. Charts that are not meshes are written from their
 * own `toJson()`. Apps that use other output types, construct metadata or chart dependencies
 * fall back to `App.synth()`.
 */
export class MeshApp extends App {
  private readonly recordsConstructMetadata: boolean;

  constructor(props: AppProps = {}) {
    super(props);
    // App keeps this private; it is decided the same way here.
    this.recordsConstructMetadata = props.recordConstructMetadata ?? process.env.CDK8S_RECORD_CONSTRUCT_METADATA === 'true';
  }

  public synth(): void {
    this.synthFiles();
  }

  /** Synthesizes like `synth()` and tells what was written. */
  public synthFiles(): SynthResult[] {
    if (!this.canWriteFast()) {
      super.synth();
      return [];
    }
    const meshes = this.node.findAll().filter(Mesh.isMesh);
    for (const mesh of meshes) mesh._deferMaterialization = true;
    try {
      this.validateAll();
      const results: SynthResult[] = [];
      for (const chart of this.charts) {
        const file = path.join(this.outdir, `${Names.toDnsLabel(chart)}${this.outputFileExtension}`);
        const sink = new DocumentSink(file);
        const docs: Iterable<Record<string, unknown>> = Mesh.isMesh(chart) ? chart._documents() : (chart.toJson() as Record<string, unknown>[]);
        for (const doc of docs) sink.write(doc);
        results.push({ file, ...sink.close() });
      }
      return results;
    } finally {
      for (const mesh of meshes) mesh._deferMaterialization = false;
    }
  }

  private canWriteFast(): boolean {
    if (this.yamlOutputType !== YamlOutputType.FILE_PER_CHART || this.recordsConstructMetadata) return false;
    // cdk8s numbers files and reorders objects when there are dependencies; leave that to it.
    const all = this.node.findAll();
    return !all.some((c) => c.node.dependencies.length > 0 || (Chart.isChart(c) && c.node.scope !== this));
  }

  /** cdk8s's own validation pass, with its message format; runs before anything is written. */
  private validateAll(): void {
    const errors = this.node.findAll().flatMap((c) => c.node.validate().map((e) => `[${c.node.path}] ${e}`));
    if (errors.length > 0) throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
    fs.mkdirSync(this.outdir, { recursive: true });
  }
}
