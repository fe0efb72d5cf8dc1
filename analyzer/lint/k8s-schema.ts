// Shapes of the built-in kinds the lint engine validates, from their Go API types
// (k8s.io/api networking/v1 NetworkPolicy, rbac/v1 Role/ClusterRole/RoleBinding/ClusterRoleBinding).
// A value of the wrong JSON type fails decoding in the API server; unknown fields are dropped.

import { ANY, INT32, OBJECT_META, Schema, STRING, STRING_MAP, STRINGS } from './schema';

const LABEL_SELECTOR: Schema = {
  type: 'object',
  fields: {
    matchLabels: STRING_MAP,
    matchExpressions: {
      type: 'array',
      items: { type: 'object', fields: { key: STRING, operator: STRING, values: STRINGS } },
    },
  },
};

const NETWORK_POLICY_PEER: Schema = {
  type: 'object',
  fields: {
    podSelector: LABEL_SELECTOR,
    namespaceSelector: LABEL_SELECTOR,
    ipBlock: { type: 'object', fields: { cidr: STRING, except: STRINGS } },
  },
};

const NETWORK_POLICY_PORT: Schema = {
  type: 'object',
  fields: { protocol: STRING, port: { type: 'int-or-string' }, endPort: INT32 },
};

const PORTS: Schema = { type: 'array', items: NETWORK_POLICY_PORT };

export const NETWORK_POLICY_SCHEMA: Schema = {
  type: 'object',
  fields: {
    apiVersion: STRING, kind: STRING, metadata: OBJECT_META, status: ANY,
    spec: {
      type: 'object',
      fields: {
        podSelector: LABEL_SELECTOR,
        policyTypes: STRINGS,
        ingress: { type: 'array', items: { type: 'object', fields: { from: { type: 'array', items: NETWORK_POLICY_PEER }, ports: PORTS } } },
        egress: { type: 'array', items: { type: 'object', fields: { to: { type: 'array', items: NETWORK_POLICY_PEER }, ports: PORTS } } },
      },
    },
  },
};

const POLICY_RULE: Schema = {
  type: 'object',
  fields: { verbs: STRINGS, apiGroups: STRINGS, resources: STRINGS, resourceNames: STRINGS, nonResourceURLs: STRINGS },
};

export const ROLE_SCHEMA: Schema = {
  type: 'object',
  fields: { apiVersion: STRING, kind: STRING, metadata: OBJECT_META, rules: { type: 'array', items: POLICY_RULE } },
};

export const CLUSTER_ROLE_SCHEMA: Schema = {
  type: 'object',
  fields: {
    apiVersion: STRING, kind: STRING, metadata: OBJECT_META,
    rules: { type: 'array', items: POLICY_RULE },
    aggregationRule: { type: 'object', fields: { clusterRoleSelectors: { type: 'array', items: LABEL_SELECTOR } } },
  },
};

export const BINDING_SCHEMA: Schema = {
  type: 'object',
  fields: {
    apiVersion: STRING, kind: STRING, metadata: OBJECT_META,
    subjects: { type: 'array', items: { type: 'object', fields: { kind: STRING, apiGroup: STRING, name: STRING, namespace: STRING } } },
    roleRef: { type: 'object', fields: { apiGroup: STRING, kind: STRING, name: STRING } },
  },
};

/** The schema of every other kind: only the metadata is checked. */
export const METADATA_ONLY_SCHEMA: Schema = { type: 'object', fields: { metadata: OBJECT_META }, values: ANY };
