import * as fc from 'fast-check';
import { Severity } from '../../constructs';
import { describeMismatch, verifyManifests } from '../../cli/verify/verify';
import { declareMesh, meshSpec } from './random-mesh';

const loaded = (objects: readonly object[]) => objects.map((object, document) => ({ object: object as any, source: { file: 'synth', document } }));

describe('analyzer(synth(mesh)) allows exactly the declared edges', () => {
  test('GIVEN hundreds of random meshes WHEN synthesized and analyzed THEN each layer alone and both together allow exactly the declared edges, and RBAC exactly the declared grants', () => {
    let requests = 0;
    let apiRequests = 0;
    fc.assert(fc.property(meshSpec, (spec) => {
      const mesh = declareMesh(spec);
      expect(mesh.problems().filter((p) => p.severity === Severity.ERROR)).toEqual([]);
      const report = verifyManifests(loaded(mesh.toManifests()), mesh.declaredAccess());
      requests += report.requests;
      apiRequests += report.apiRequests;
      expect(report.mismatches.map(describeMismatch)).toEqual([]);
    }), { numRuns: 300, seed: 20261126 });
    // The property held over many questions, not a handful.
    expect(requests).toBeGreaterThan(10_000);
    expect(apiRequests).toBeGreaterThan(10_000);
  });
});
