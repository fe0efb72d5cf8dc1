// Structural schemas of the Istio security CRDs, transcribed from the openAPIV3Schema of
// istio/api v1.30.3 kubernetes/customresourcedefinitions.gen.yaml (../shared/istio/istio-crds.yaml:
// authorizationpolicies, peerauthentications and requestauthentications.security.istio.io, v1 and
// v1beta1 share one schema). The CEL rules (x-kubernetes-validations) are semantic and live next to
// the webhook rules in istio-authz.ts / istio-peer-authn.ts / istio-request-authn.ts.

import { ANY, OBJECT_META, Schema, STRING, STRINGS } from './schema';

const MTLS_MODES = ['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT'] as const;

const WORKLOAD_SELECTOR: Schema = {
  type: 'object',
  fields: {
    matchLabels: { type: 'object', values: { type: 'string', maxLength: 63 }, maxProperties: 4096 },
  },
};

const POLICY_TARGET_REFERENCE: Schema = {
  type: 'object',
  required: ['kind', 'name'],
  fields: {
    group: { type: 'string', maxLength: 253, pattern: /^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/ },
    kind: { type: 'string', minLength: 1, maxLength: 63, pattern: /^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/ },
    name: { type: 'string', minLength: 1, maxLength: 253 },
    namespace: STRING,
  },
};

const SERVICE_ACCOUNTS: Schema = { type: 'array', items: { type: 'string', maxLength: 320 }, maxItems: 16 };

const SOURCE: Schema = {
  type: 'object',
  fields: {
    principals: STRINGS, notPrincipals: STRINGS,
    requestPrincipals: STRINGS, notRequestPrincipals: STRINGS,
    namespaces: STRINGS, notNamespaces: STRINGS,
    serviceAccounts: SERVICE_ACCOUNTS, notServiceAccounts: SERVICE_ACCOUNTS,
    trustDomains: STRINGS, notTrustDomains: STRINGS,
    ipBlocks: STRINGS, notIpBlocks: STRINGS,
    remoteIpBlocks: STRINGS, notRemoteIpBlocks: STRINGS,
  },
};

const OPERATION: Schema = {
  type: 'object',
  fields: {
    hosts: STRINGS, notHosts: STRINGS, ports: STRINGS, notPorts: STRINGS,
    methods: STRINGS, notMethods: STRINGS, paths: STRINGS, notPaths: STRINGS,
  },
};

const RULE: Schema = {
  type: 'object',
  fields: {
    from: { type: 'array', maxItems: 512, items: { type: 'object', fields: { source: SOURCE } } },
    to: { type: 'array', items: { type: 'object', fields: { operation: OPERATION } } },
    when: {
      type: 'array',
      items: { type: 'object', required: ['key'], fields: { key: STRING, values: STRINGS, notValues: STRINGS } },
    },
  },
};

function istioDocument(spec: Schema): Schema {
  return { type: 'object', fields: { apiVersion: STRING, kind: STRING, metadata: OBJECT_META, spec, status: ANY } };
}

export const AUTHORIZATION_POLICY_SCHEMA = istioDocument({
  type: 'object',
  fields: {
    action: { type: 'string', enum: ['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'] },
    provider: { type: 'object', fields: { name: STRING } },
    rules: { type: 'array', maxItems: 512, items: RULE },
    selector: WORKLOAD_SELECTOR,
    targetRef: POLICY_TARGET_REFERENCE,
    targetRefs: { type: 'array', maxItems: 16, items: POLICY_TARGET_REFERENCE },
  },
});

const MUTUAL_TLS: Schema = { type: 'object', fields: { mode: { type: 'string', enum: MTLS_MODES } } };

export const PEER_AUTHENTICATION_SCHEMA = istioDocument({
  type: 'object',
  fields: {
    mtls: MUTUAL_TLS,
    portLevelMtls: { type: 'object', values: MUTUAL_TLS, minProperties: 1 },
    selector: WORKLOAD_SELECTOR,
  },
});

const NON_EMPTY_STRING: Schema = { type: 'string', minLength: 1 };
const NON_EMPTY_STRINGS: Schema = { type: 'array', items: NON_EMPTY_STRING };
const JWKS_URI: Schema = { type: 'string', minLength: 1, maxLength: 2048 };

const JWT_RULE: Schema = {
  type: 'object',
  fields: {
    issuer: NON_EMPTY_STRING,
    audiences: NON_EMPTY_STRINGS,
    jwksUri: JWKS_URI,
    // The proto field name, which the CRD (and jsonpb) accept as well.
    jwks_uri: JWKS_URI,
    jwks: STRING,
    fromHeaders: {
      type: 'array',
      items: { type: 'object', required: ['name'], fields: { name: NON_EMPTY_STRING, prefix: STRING } },
    },
    fromParams: NON_EMPTY_STRINGS,
    fromCookies: NON_EMPTY_STRINGS,
    outputPayloadToHeader: STRING,
    forwardOriginalToken: { type: 'boolean' },
    outputClaimToHeaders: {
      type: 'array',
      items: {
        type: 'object',
        required: ['header', 'claim'],
        fields: { header: { type: 'string', minLength: 1, pattern: /^[-_A-Za-z0-9]+$/ }, claim: NON_EMPTY_STRING },
      },
    },
    spaceDelimitedClaims: { type: 'array', items: NON_EMPTY_STRING, maxItems: 64 },
    timeout: STRING,
  },
};

export const REQUEST_AUTHENTICATION_SCHEMA = istioDocument({
  type: 'object',
  fields: {
    jwtRules: { type: 'array', maxItems: 4096, items: JWT_RULE },
    selector: WORKLOAD_SELECTOR,
    targetRef: POLICY_TARGET_REFERENCE,
    targetRefs: { type: 'array', maxItems: 16, items: POLICY_TARGET_REFERENCE },
  },
});

/** API versions of security.istio.io served by the Istio 1.30 CRDs. */
export const SERVED_ISTIO_SECURITY_VERSIONS = ['v1', 'v1beta1'];
