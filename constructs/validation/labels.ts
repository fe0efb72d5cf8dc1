import type { Mesh } from '../mesh';
import type { MeshNamespace } from '../namespace';
import { Ownership } from '../ownership';
import { meshOwnLabels } from '../render/manifest';
import { injectionLabels } from '../render/workload-objects';
import { ProblemList } from './problem';
import { isLabelKey, isLabelValue } from './syntax';

type Labels = Readonly<Record<string, string>>;

/** Syntax of a label map, as selector or as labels. */
export function checkLabels(problems: ProblemList, path: string, what: string, labels: Labels): void {
  for (const [key, value] of Object.entries(labels)) {
    if (!isLabelKey(key)) problems.error(path, `${what} key '${key}' is not a valid label key; use [prefix/]name with alphanumerics, '-', '_', '.' (name at most 63 characters)`);
    if (!isLabelValue(value)) problems.error(path, `${what} value '${value}' of '${key}' is not a valid label value; use at most 63 alphanumerics, '-', '_', '.', starting and ending alphanumeric`);
  }
}

/** A label the mesh writes over the user's, and why it writes it. */
interface MeshLabel {
  readonly value: string;
  readonly why: string;
}

const METADATA_NAME = 'kubernetes.io/metadata.name';
const REVISION = 'istio.io/rev';
const INJECTION = 'istio-injection';

/**
 * The labels the mesh writes over the user's, with what each is for, in the order they override:
 * `MeshProps.labels` (over a namespace's own), the mesh's own labels, and on Namespaces the injection label.
 */
function labelsWrittenOver(mesh: Mesh, over: { readonly namespaceLabels: boolean; readonly namespaces: boolean }): Map<string, MeshLabel> {
  const labels = new Map<string, MeshLabel>();
  if (over.namespaceLabels) {
    for (const [key, value] of Object.entries(mesh._userLabels)) labels.set(key, { value, why: 'MeshProps.labels puts on every object' });
  }
  for (const [key, value] of Object.entries(meshOwnLabels(mesh.node.id))) labels.set(key, { value, why: 'the mesh writes on every object' });
  if (over.namespaces) {
    const revision = mesh.platform.controlPlane.revision;
    const why = revision ? 'the mesh sets on its Namespaces from MeshProps.controlPlane.revision' : 'the mesh sets on its Namespaces so that pods get the sidecars its policies rely on';
    for (const [key, value] of Object.entries(injectionLabels(revision))) labels.set(key, { value, why });
  }
  return labels;
}

/**
 * Labels given for Namespace objects that do not end up as given: the mesh writes over them, the
 * API server overwrites them, or Istio lets the mesh's injection label win over them.
 */
function checkNamespaceLabelConflicts(
  problems: ProblemList, mesh: Mesh, path: string, what: string, labels: Labels, namespaceNames: readonly string[], writtenOver: Map<string, MeshLabel>,
): void {
  const revision = mesh.platform.controlPlane.revision;
  for (const [key, value] of Object.entries(labels)) {
    const written = writtenOver.get(key);
    if (written && written.value !== value) {
      problems.warning(path, `${what} '${key}: ${value}' is replaced by '${key}: ${written.value}', which ${written.why}; remove it`);
      continue;
    }
    const renamed = namespaceNames.filter((name) => name !== value);
    if (key === METADATA_NAME && renamed.length > 0) {
      const names = renamed.map((name) => `'${name}'`).join(', ');
      problems.warning(path, `${what} '${key}: ${value}' never holds: the API server sets this label of every Namespace to the namespace's name (here ${names}), and the mesh selects namespaces by it; remove it`);
    }
    if (key === REVISION && !revision && namespaceNames.length > 0) {
      problems.warning(path, `${what} '${key}: ${value}' is ignored: the mesh labels its Namespaces '${INJECTION}: enabled', which takes precedence over ${REVISION}, so pods get the default revision's sidecar; to inject revision '${value}', remove the label and set MeshProps.controlPlane.revision: '${value}'`);
    }
    if (key === INJECTION && revision && namespaceNames.length > 0) {
      const outcome = value === 'enabled' ? "the default revision's sidecar, if one is installed" : "no sidecar, so the mesh's Istio policies do not apply to them";
      problems.warning(path, `${what} '${key}: ${value}' takes precedence over the '${REVISION}: ${revision}' that the mesh sets (MeshProps.controlPlane.revision): the injector of revision '${revision}' skips the namespace and pods get ${outcome}; remove the label`);
    }
  }
}

/** The labels of a namespace: syntax, and whether they reach the Namespace object as given. */
export function checkNamespaceLabels(problems: ProblemList, mesh: Mesh, namespace: MeshNamespace): void {
  const path = namespace.node.path;
  checkLabels(problems, path, 'label', namespace.labels);
  if (Object.keys(namespace.labels).length === 0) return;
  if (namespace.ownership === Ownership.EXTERNAL) {
    problems.warning(path, `labels ${JSON.stringify(namespace.labels)} are never written: the mesh does not write the Namespace of an Ownership.EXTERNAL namespace; set them where the namespace is created, or remove them`);
    return;
  }
  const writtenOver = labelsWrittenOver(mesh, { namespaceLabels: true, namespaces: true });
  checkNamespaceLabelConflicts(problems, mesh, path, 'label', namespace.labels, [namespace.name], writtenOver);
}

/** `MeshProps.labels`: syntax, and whether they reach the objects (Namespaces among them) as given. */
export function checkMeshLabels(problems: ProblemList, mesh: Mesh): void {
  const path = mesh.node.path;
  // The mesh id is reported on its own when it cannot be a label value.
  const { 'app.kubernetes.io/part-of': _partOf, ...userLabels } = mesh.commonLabels;
  checkLabels(problems, path, 'label', isLabelValue(mesh.node.id) ? mesh.commonLabels : userLabels);
  const namespaceNames = mesh.namespaces.filter((ns) => ns.ownership !== Ownership.EXTERNAL).map((ns) => ns.name);
  const writtenOver = labelsWrittenOver(mesh, { namespaceLabels: false, namespaces: namespaceNames.length > 0 });
  checkNamespaceLabelConflicts(problems, mesh, path, 'MeshProps.labels entry', mesh._userLabels, namespaceNames, writtenOver);
}
