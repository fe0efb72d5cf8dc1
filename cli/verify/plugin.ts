import * as fs from 'fs';
import { loadManifests } from '../../analyzer';
import { readDeclaredAccess } from './declared';
import { describeMismatch, mismatchSubject, verifyManifests } from './verify';

/** What cdk8s-cli hands a validation plugin (cdk8s-cli/lib/plugins/validation), as used here. */
interface ValidationContext {
  readonly manifests: readonly string[];
  readonly report: {
    addViolation(violation: { ruleName: string; recommendation: string; fix: string; violatingResources: Array<{ resourceName: string; locations: string[]; manifestPath: string }> }): void;
    submit(status: 'success' | 'failure', metadata?: Record<string, string>): void;
  };
}

export interface MeshPolicyValidationProps {
  /** The file the app writes its declared access to (MESH_POLICY_DECLARED_ACCESS in cdk8s.yaml's app command). */
  readonly declaredAccess: string;
}

/**
 * A cdk8s validation plugin: after `cdk8s synth`, the synthesized manifests must allow exactly
 * the access the app declares, as the independent analyzer sees it. Registered in cdk8s.yaml:
 * `validations: [{ package: ./lib/cli/verify/plugin.js, class: MeshPolicyValidation, ... }]`.
 */
export class MeshPolicyValidation {
  constructor(private readonly props: MeshPolicyValidationProps) {}

  public async validate(context: ValidationContext): Promise<void> {
    const file = this.props.declaredAccess;
    const newest = Math.max(...context.manifests.map((m) => fs.statSync(m).mtimeMs));
    if (!fs.existsSync(file) || fs.statSync(file).mtimeMs < newest - 60_000) {
      context.report.addViolation({
        ruleName: 'declared-access-missing',
        recommendation: `the app did not write its declared access to ${file} during this synth`,
        fix: `set MESH_POLICY_DECLARED_ACCESS=${file} in cdk8s.yaml's app command`,
        violatingResources: [],
      });
      context.report.submit('failure');
      return;
    }
    const manifests = loadManifests([...context.manifests]);
    let mismatches = 0;
    const notes: string[] = [];
    for (const [mesh, declared] of Object.entries(readDeclaredAccess(file))) {
      const report = verifyManifests(manifests, declared);
      notes.push(...report.notes.map((note) => `${mesh}: ${note}`));
      for (const mismatch of report.mismatches) {
        mismatches++;
        context.report.addViolation({
          ruleName: mismatch.expected ? (mismatch.layer === 'api' ? 'declared-grant-denied' : 'declared-edge-denied') : 'undeclared-access-allowed',
          recommendation: `${mesh}: ${describeMismatch(mismatch)}`,
          fix: 'synthesize again without editing the manifests by hand; objects added to the charts beside the mesh\'s can change access too;'
            + ' if neither explains it, report a bug in cdk8s-mesh-policy',
          // One location per mismatch, so that the report counts them: the layer that answered wrongly.
          violatingResources: [{ resourceName: mismatchSubject(mismatch), locations: [`${mismatch.layer} layer`], manifestPath: context.manifests[0] }],
        });
      }
    }
    // Notes are no violations (the manifests do what was declared); the summary table cdk8s prints shows them.
    context.report.submit(mismatches === 0 ? 'success' : 'failure', notes.length > 0 ? Object.fromEntries(notes.map((note, i) => [`Note ${i + 1}`, note])) : undefined);
  }
}
