import { MeshPort, Ownership } from '../../constructs';
import { findObject, problemsAt, synth, testMesh } from '../support/mesh';

describe('validation of what ends up in labels', () => {
  test('an Istio revision that is no label value is an error on the mesh, with a usable one', () => {
    // GIVEN
    const mesh = testMesh({ controlPlane: { revision: 'Bad Rev!' } });
    mesh.addNamespace('web');
    // WHEN
    const problems = problemsAt(mesh, 'test');
    // THEN
    expect(problems).toEqual([
      "error: controlPlane.revision 'Bad Rev!' is not a valid label value, but the mesh writes it as the Namespace label 'istio.io/rev: Bad Rev!', which the API server rejects; "
        + "use the revision Istio was installed with (istioctl install --revision), at most 63 alphanumerics, '-', '_', '.', starting and ending alphanumeric, e.g. 'bad-rev'",
    ]);
    expect(() => mesh.toManifests()).toThrow(/\[test\] controlPlane\.revision 'Bad Rev!'/);
  });

  test('a revision is checked like any label value: 63 characters pass, 64 do not', () => {
    // GIVEN
    const longest = testMesh({ controlPlane: { revision: `a${'-'.repeat(61)}b` } });
    const tooLong = testMesh({ controlPlane: { revision: 'a'.repeat(64) } });
    // WHEN / THEN
    expect(problemsAt(longest, 'test')).toEqual([]);
    expect(problemsAt(tooLong, 'test')).toEqual([expect.stringMatching(/^error: controlPlane\.revision 'a{64}' is not a valid label value/)]);
  });

  test('labels of the namespaces and of the platform selectors are checked as label keys and values', () => {
    // GIVEN
    const mesh = testMesh({ ingressGateway: { labels: { istio: 'ingress gateway' } }, controlPlane: { labels: { 'bad key!': 'istiod' } } });
    mesh.addNamespace('web', { labels: { team: 'store front' } });
    // WHEN / THEN
    expect(problemsAt(mesh, 'test')).toEqual([
      "error: controlPlane.labels key 'bad key!' is not a valid label key; use [prefix/]name with alphanumerics, '-', '_', '.' (name at most 63 characters)",
      "error: ingressGateway.labels value 'ingress gateway' of 'istio' is not a valid label value; use at most 63 alphanumerics, '-', '_', '.', starting and ending alphanumeric",
    ]);
    expect(problemsAt(mesh, 'test/web')).toEqual([expect.stringMatching(/^error: label value 'store front' of 'team' is not a valid label value/)]);
  });
});

describe('warnings for labels that do not end up as given', () => {
  test('kubernetes.io/metadata.name other than the namespace name warns that the API server overwrites it', () => {
    // GIVEN
    const mesh = testMesh();
    mesh.addNamespace('web', { labels: { 'kubernetes.io/metadata.name': 'frontend' } });
    mesh.addNamespace('api', { labels: { 'kubernetes.io/metadata.name': 'api' } });
    // WHEN / THEN
    expect(problemsAt(mesh, 'test/web')).toEqual([
      "warning: label 'kubernetes.io/metadata.name: frontend' never holds: the API server sets this label of every Namespace to the namespace's name (here 'web'), "
        + 'and the mesh selects namespaces by it; remove it',
    ]);
    expect(problemsAt(mesh, 'test/api')).toEqual([]);
  });

  test('istio.io/rev next to the mesh\'s istio-injection: enabled warns that the revision is ignored, and how to inject it', () => {
    // GIVEN
    const mesh = testMesh();
    mesh.addNamespace('web', { labels: { 'istio.io/rev': 'canary' } });
    // WHEN
    const labels = findObject(synth(mesh), 'Namespace', undefined, 'web').metadata.labels;
    // THEN the Namespace carries both labels, and Istio's injector follows istio-injection
    expect(labels).toMatchObject({ 'istio-injection': 'enabled', 'istio.io/rev': 'canary' });
    expect(problemsAt(mesh, 'test/web')).toEqual([
      "warning: label 'istio.io/rev: canary' is ignored: the mesh labels its Namespaces 'istio-injection: enabled', which takes precedence over istio.io/rev, "
        + "so pods get the default revision's sidecar; to inject revision 'canary', remove the label and set MeshProps.controlPlane.revision: 'canary'",
    ]);
  });

  test('istio-injection on a namespace of a mesh with a revision warns that it overrides the revision', () => {
    // GIVEN
    const mesh = testMesh({ controlPlane: { revision: '1-30' } });
    mesh.addNamespace('web', { labels: { 'istio-injection': 'disabled' } });
    mesh.addNamespace('api', { labels: { 'istio-injection': 'enabled' } });
    // WHEN / THEN
    expect(problemsAt(mesh, 'test/web')).toEqual([
      "warning: label 'istio-injection: disabled' takes precedence over the 'istio.io/rev: 1-30' that the mesh sets (MeshProps.controlPlane.revision): "
        + "the injector of revision '1-30' skips the namespace and pods get no sidecar, so the mesh's Istio policies do not apply to them; remove the label",
    ]);
    expect(problemsAt(mesh, 'test/api')).toEqual([expect.stringMatching(/pods get the default revision's sidecar, if one is installed; remove the label$/)]);
  });

  test('a namespace label that the mesh writes over warns with both values', () => {
    // GIVEN
    const mesh = testMesh({ labels: { team: 'platform' } });
    mesh.addNamespace('web', { labels: { 'app.kubernetes.io/managed-by': 'helm', 'team': 'storefront', 'istio-injection': 'disabled' } });
    // WHEN
    const labels = findObject(synth(mesh), 'Namespace', undefined, 'web').metadata.labels;
    // THEN
    expect(labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'cdk8s-mesh-policy', 'team': 'platform', 'istio-injection': 'enabled' });
    expect(problemsAt(mesh, 'test/web')).toEqual([
      "warning: label 'app.kubernetes.io/managed-by: helm' is replaced by 'app.kubernetes.io/managed-by: cdk8s-mesh-policy', which the mesh writes on every object; remove it",
      "warning: label 'istio-injection: disabled' is replaced by 'istio-injection: enabled', which the mesh sets on its Namespaces so that pods get the sidecars its policies rely on; remove it",
      "warning: label 'team: storefront' is replaced by 'team: platform', which MeshProps.labels puts on every object; remove it",
    ]);
  });

  test('MeshProps.labels that the mesh writes over warn on the mesh', () => {
    // GIVEN
    const mesh = testMesh({ labels: { 'app.kubernetes.io/managed-by': 'argocd', 'app.kubernetes.io/part-of': 'test' } });
    mesh.addNamespace('web').addService('frontend', { ports: [MeshPort.http(80)] });
    // WHEN
    const service = findObject(synth(mesh), 'Service', 'web', 'frontend');
    // THEN the same part-of value is no conflict
    expect(service.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'cdk8s-mesh-policy' });
    expect(problemsAt(mesh, 'test')).toEqual([
      "warning: MeshProps.labels entry 'app.kubernetes.io/managed-by: argocd' is replaced by 'app.kubernetes.io/managed-by: cdk8s-mesh-policy', which the mesh writes on every object; remove it",
    ]);
  });

  test('labels of an EXTERNAL namespace warn that they are never written', () => {
    // GIVEN
    const mesh = testMesh();
    mesh.addNamespace('legacy', { ownership: Ownership.EXTERNAL, labels: { team: 'db' } });
    // WHEN / THEN
    expect(problemsAt(mesh, 'test/legacy')).toEqual([
      'warning: labels {"team":"db"} are never written: the mesh does not write the Namespace of an Ownership.EXTERNAL namespace; set them where the namespace is created, or remove them',
    ]);
  });
});
