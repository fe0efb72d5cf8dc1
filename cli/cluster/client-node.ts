import type * as ClientNode from '@kubernetes/client-node';

export type KubernetesClient = typeof ClientNode;

let loaded: KubernetesClient | undefined;

/**
 * `@kubernetes/client-node` 1.x is an ES module only, and this package is CommonJS. Node's own loader
 * can `require` an ES module (Node >= 20.19 unflagged); jest's CommonJS runtime, which stands in for
 * `require` under test, cannot. So the module goes through Node's real `createRequire`, reached via
 * `process.getBuiltinModule`, and, where that cannot load ES modules, through a native `import()`
 * (written so that TypeScript's CommonJS output does not turn it back into `require`). Loaded on first
 * use: only `audit` and `discover` against a cluster pay for it.
 */
export async function loadClientNode(): Promise<KubernetesClient> {
  if (loaded) return loaded;
  const nodeModule = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule?.('module') as
    typeof import('module') | undefined;
  try {
    if (!nodeModule) throw new Error('process.getBuiltinModule is not available');
    loaded = nodeModule.createRequire(__filename)('@kubernetes/client-node') as KubernetesClient;
  } catch {
    const nativeImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<KubernetesClient>;
    loaded = await nativeImport('@kubernetes/client-node');
  }
  return loaded;
}
