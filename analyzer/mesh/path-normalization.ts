import { PathNormalization } from '../model/types';

/**
 * What the sidecar's (and gateway's) HTTP connection manager does to `:path` before any HTTP filter,
 * the RBAC filter included, sees it. MeshConfig `pathNormalization.normalization` picks the Envoy options
 * (pilot/pkg/networking/core/listener_builder.go "Setup normalization"); Envoy applies them in this order
 * (ConnectionManagerUtility::maybeNormalizePath): unescape %2F and %5C, canonicalize, merge slashes.
 * Only the part before the query is touched.
 */

export function normalizeRequestPath(path: string, mode: PathNormalization): string {
  if (mode === 'NONE') return path;
  const queryAt = path.indexOf('?');
  let bare = queryAt < 0 ? path : path.slice(0, queryAt);
  const query = queryAt < 0 ? '' : path.slice(queryAt);
  // path_with_escaped_slashes_action UNESCAPE_AND_FORWARD.
  if (mode === 'DECODE_AND_MERGE_SLASHES') bare = bare.replace(/%2F/gi, '/').replace(/%5C/gi, '\\');
  bare = canonicalPath(bare);
  if (mode !== 'BASE') bare = bare.replace(/\/{2,}/g, '/');
  return bare + query;
}

/** What the RBAC `paths` matcher compares: the path without query or fragment (Envoy url_path). */
export function urlPath(path: string): string {
  const end = path.search(/[?#]/);
  return end < 0 ? path : path.slice(0, end);
}

/**
 * Envoy normalize_path (PathUtil::canonicalPath, RFC 3986): backslashes made slashes, percent-encoded
 * unreserved characters decoded ("%61dmin" is "admin", "%2e" a dot), dot segments removed
 * ("/public/../admin" is "/admin"). Encoded slashes stay encoded and "//" stays.
 */
function canonicalPath(path: string): string {
  const slashed = path.replace(/\\/g, '/');
  const decoded = slashed.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(char) ? char : escape;
  });
  return removeDotSegments(decoded);
}

/** RFC 3986 section 5.2.4, on an absolute path. */
function removeDotSegments(path: string): string {
  if (!path.includes('.')) return path;
  const output: string[] = [];
  const segments = path.split('/');
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    const last = i === segments.length - 1;
    if (segment === '.' || segment === '..') {
      if (segment === '..' && output.length > 1) output.pop();
      // "/a/." and "/a/.." end in a directory: keep the trailing slash.
      if (last) output.push('');
    } else {
      output.push(segment);
    }
  }
  return output.join('/') || '/';
}
