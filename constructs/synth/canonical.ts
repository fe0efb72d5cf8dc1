/**
 * The JSON that cdk8s's `ApiObject.toJson()` produces for a plain manifest, computed without an
 * ApiObject: keys sorted at every level (as cdk8s's `sanitizeValue` does), null and undefined
 * dropped, empty maps and lists dropped inside `metadata`, and `apiVersion`, `kind`, `metadata`
 * first. Building the object the same way also reproduces JavaScript's own key order (integer-like
 * keys such as port numbers come first), which is the order the YAML writer sees.
 */

function sanitize(value: unknown, dropEmpty: boolean): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    if (dropEmpty && value.length === 0) return undefined;
    return value.map((item) => sanitize(item, dropEmpty));
  }
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const item = sanitize((value as Record<string, unknown>)[key], dropEmpty);
    if (item !== undefined && item !== null) result[key] = item;
  }
  if (dropEmpty && Object.keys(result).length === 0) return undefined;
  return result;
}

/** A manifest in the form cdk8s writes it. */
export function canonicalManifest(manifest: Record<string, unknown>): Record<string, unknown> {
  const body = sanitize({ ...manifest, metadata: undefined }, false) as Record<string, unknown>;
  const metadata = sanitize(manifest.metadata, true);
  const result: Record<string, unknown> = {};
  for (const key of ['apiVersion', 'kind']) if (key in body) result[key] = body[key];
  if (metadata !== undefined) result.metadata = metadata;
  for (const key of Object.keys(body)) if (!(key in result)) result[key] = body[key];
  return result;
}
