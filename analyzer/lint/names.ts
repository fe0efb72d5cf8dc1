// Kubernetes name and label syntax, transcribed from
// kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go
// (IsQualifiedName, IsValidLabelValue, IsDNS1123Label, IsDNS1123Subdomain, IsDNS1035Label,
// IsValidPortName, IsValidPortNum) and .../api/validation/path/name.go (IsValidPathSegmentName).
// Each function returns the API server's reasons; an empty list means valid.

const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** The two reasons of every name check: too long, or not matching the syntax. */
function syntaxErrors(value: string, maxLength: number, syntax: RegExp, description: string): string[] {
  const errors: string[] = [];
  if (value.length > maxLength) errors.push(`must be no more than ${maxLength} characters`);
  if (!syntax.test(value)) errors.push(description);
  return errors;
}

export function dns1123LabelErrors(value: string): string[] {
  return syntaxErrors(value, 63, DNS1123_LABEL,
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character");
}

export function dns1123SubdomainErrors(value: string): string[] {
  return syntaxErrors(value, 253, DNS1123_SUBDOMAIN,
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character");
}

export function dns1035LabelErrors(value: string): string[] {
  return syntaxErrors(value, 63, DNS1035_LABEL,
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character");
}

/** Label keys, annotation keys and selector keys: `[prefix/]name`. */
export function qualifiedNameErrors(value: string): string[] {
  const parts = value.split('/');
  let name: string;
  const errors: string[] = [];
  if (parts.length === 1) {
    name = parts[0];
  } else if (parts.length === 2) {
    const [prefix, rest] = parts;
    name = rest;
    if (prefix.length === 0) errors.push('prefix part must be non-empty');
    else errors.push(...dns1123SubdomainErrors(prefix).map((m) => `prefix part ${m}`));
  } else {
    return ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, with an optional DNS subdomain prefix and '/'"];
  }
  if (name.length === 0) errors.push('name part must be non-empty');
  else if (name.length > 63) errors.push('name part must be no more than 63 characters');
  if (name.length > 0 && !QUALIFIED_NAME_PART.test(name)) {
    errors.push("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
  }
  return errors;
}

export function labelValueErrors(value: string): string[] {
  return syntaxErrors(value, 63, LABEL_VALUE,
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
}

/** IANA_SVC_NAME (RFC 6335): the syntax of a named port. */
export function portNameErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 15) errors.push('must be no more than 15 characters');
  if (!/^[-a-z0-9]+$/.test(value)) errors.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(value)) errors.push('must contain at least one letter (a-z)');
  if (value.includes('--')) errors.push('must not contain consecutive hyphens (--)');
  if (value.startsWith('-') || value.endsWith('-')) errors.push('must not begin or end with a hyphen (-)');
  return errors;
}

export function isValidPortNumber(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 65535;
}

/** RBAC object names are only required to be usable as a URL path segment. */
export function pathSegmentNameErrors(value: string): string[] {
  if (value === '.' || value === '..') return [`may not be '${value}'`];
  const errors: string[] = [];
  for (const forbidden of ['/', '%']) if (value.includes(forbidden)) errors.push(`may not contain '${forbidden}'`);
  return errors;
}
