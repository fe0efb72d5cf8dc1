/**
 * The independent analyzer: manifests in, effective access out. It implements Kubernetes NetworkPolicy
 * and Istio security semantics from their documentation and sources and shares no code with the
 * construct library, so that each checks the other.
 */
export { InputError } from './errors';
export type { SourceRef } from './errors';
export { loadManifests, parseManifestText, streamManifests } from './load/documents';
export type { DocumentFilter, KubeObject, LoadedObject } from './load/documents';
export { buildInventory } from './model/inventory';
export type { MeshOptions } from './model/mesh-config';
export * from './model/types';
export { parseAccessRequest } from './request';
export type { AccessRequest } from './request';
export { check, findWorkload } from './check';
export { inventoryForAccess, inventoryForRequests } from './loading';
export type { CheckOptions, CheckResult } from './check';
export { reach } from './reach/reach';
export type { DeniedPair, DeniedReason, DeniedSummary, ReachEdge, ReachOptions, ReachReport, ReachWorkload } from './reach/reach';
export type { HttpAccess, HttpRuleMatch } from './mesh/authorization';
export type { HttpConstraint } from './mesh/authorization-rules';
export { authorizeApi } from './rbac/authorize';
export type { ApiDecision, ApiRequest, NonResourceApiRequest, ResourceApiRequest } from './rbac/authorize';
export { apiGrants } from './rbac/grants';
export type { ApiGrantEntry } from './rbac/grants';
export { inventoryForRbac } from './rbac/loading';
