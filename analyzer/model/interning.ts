import { LabelSelector } from './labels';
import { NetworkPeer } from './types';

/**
 * One object for each distinct label selector and NetworkPolicy peer of an inventory. Policies repeat
 * the same peers (every policy that admits service X names it alike), so a generated mesh has about ten
 * times more selectors than distinct ones. Sharing them keeps the inventory small (fewer objects for
 * the garbage collector to trace, which `reach` pays for on big inputs) and lets evaluators memoize
 * per selector or peer by identity instead of building keys.
 *
 * The tables are nested maps rather than maps of composed keys: a key string would be built, and
 * hashed, for each of the hundred thousand selectors of a big mesh.
 */
export class Interner {
  /** Selectors of one matchLabels pair (nearly all of them), by label key, then value. */
  private readonly pairSelectors = new Map<string, Map<string, LabelSelector>>();
  private readonly otherSelectors = new Map<string, LabelSelector>();
  /** Pod peers by namespace selector, then pod selector (both interned: by identity). */
  private readonly podPeers = new Map<LabelSelector | undefined, Map<LabelSelector | undefined, NetworkPeer>>();
  private readonly ipBlockPeers = new Map<string, NetworkPeer>();

  selector(selector: LabelSelector): LabelSelector {
    const { matchLabels, requirements } = selector;
    if (matchLabels.length === 1 && requirements.length === 0) {
      return shared(inner(this.pairSelectors, matchLabels[0][0]), matchLabels[0][1], selector);
    }
    return shared(this.otherSelectors, canonicalText(selector), selector);
  }

  /** Interns the peer's selectors too. */
  peer(peer: NetworkPeer): NetworkPeer {
    if (peer.kind === 'ipBlock') {
      return shared(this.ipBlockPeers, `${peer.cidr.text} except ${peer.except.map((hole) => hole.text).join(',')}`, peer);
    }
    const namespaceSelector = peer.namespaceSelector && this.selector(peer.namespaceSelector);
    const podSelector = peer.podSelector && this.selector(peer.podSelector);
    return shared(inner(this.podPeers, namespaceSelector), podSelector, { kind: 'pods', namespaceSelector, podSelector });
  }
}

function inner<K, L, V>(table: Map<K, Map<L, V>>, key: K): Map<L, V> {
  let map = table.get(key);
  if (!map) {
    map = new Map();
    table.set(key, map);
  }
  return map;
}

function shared<K, V>(table: Map<K, V>, key: K, value: V): V {
  const known = table.get(key);
  if (known) return known;
  table.set(key, value);
  return value;
}

/** Equal for selectors that select alike (same pairs and requirements, in any order). */
function canonicalText(selector: LabelSelector): string {
  const pairs = selector.matchLabels.map(([key, value]) => `${key}\u0000${value}`).sort();
  const requirements = selector.requirements.map((r) => `${r.key}\u0000${r.operator}\u0000${[...r.values].sort().join('\u0000')}`).sort();
  return `${pairs.join('\u0001')}\u0002${requirements.join('\u0001')}`;
}
