// The trust domains that name local workloads. Istio expands a principal whose trust domain is
// "cluster.local", the mesh trust domain or one of its aliases to all of them
// (istio/istio@1.30.3 pilot/pkg/security/trustdomain/bundle.go); the aliases come from the mesh
// config, i.e. `data.mesh` of the ConfigMap "istio" (or "istio-<revision>") in the root namespace.

import { parse } from 'yaml';
import { isObject, JsonObject, objectField, refOf, stringField } from './objects';

export function localTrustDomains(documents: readonly JsonObject[], trustDomain: string, rootNamespace: string): Set<string> {
  const domains = new Set(['cluster.local', trustDomain]);
  for (const doc of documents) {
    const ref = refOf(doc);
    if (ref.kind !== 'ConfigMap' || ref.namespace !== rootNamespace || !/^istio(-.+)?$/.test(ref.name)) continue;
    const meshText = stringField(objectField(doc, 'data'), 'mesh');
    let mesh: unknown;
    try {
      mesh = meshText === undefined ? undefined : parse(meshText);
    } catch {
      continue; // an unreadable mesh config is istiod's problem, not a policy problem
    }
    if (!isObject(mesh)) continue;
    if (typeof mesh.trustDomain === 'string') domains.add(mesh.trustDomain);
    if (Array.isArray(mesh.trustDomainAliases)) {
      for (const alias of mesh.trustDomainAliases) if (typeof alias === 'string') domains.add(alias);
    }
  }
  return domains;
}
