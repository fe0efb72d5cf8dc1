import { LabelSelector, Labels, selectorMatches } from './labels';

/**
 * Items indexed by their label pairs, so that a selector with a matchLabels pair or an `In`
 * requirement looks at the few items carrying that pair instead of all of them. Every candidate is
 * still checked against the whole selector.
 */
export class LabelIndex<T> {
  private readonly postings = new Map<string, T[]>();
  /**
   * Policies repeat the same selectors (every peer naming namespace X): answer each once. Keyed by
   * identity, as the inventory shares equal selectors (model/interning.ts).
   */
  private readonly answers = new Map<LabelSelector, readonly T[]>();

  constructor(private readonly items: readonly T[], private readonly labelsOf: (item: T) => Labels) {
    for (const item of items) {
      for (const [key, value] of labelsOf(item)) {
        const posting = pairKey(key, value);
        const list = this.postings.get(posting);
        if (list) list.push(item);
        else this.postings.set(posting, [item]);
      }
    }
  }

  all(): readonly T[] {
    return this.items;
  }

  select(selector: LabelSelector): readonly T[] {
    let answer = this.answers.get(selector);
    if (!answer) {
      answer = this.candidates(selector).filter((item) => selectorMatches(selector, this.labelsOf(item)));
      this.answers.set(selector, answer);
    }
    return answer;
  }

  private candidates(selector: LabelSelector): readonly T[] {
    const [pair] = selector.matchLabels;
    if (pair) return this.postings.get(pairKey(pair[0], pair[1])) ?? [];
    const requirement = selector.requirements.find((r) => r.operator === 'In');
    if (requirement) {
      return [...new Set([...requirement.values].flatMap((value) => this.postings.get(pairKey(requirement.key, value)) ?? []))];
    }
    return this.items;
  }
}

function pairKey(key: string, value: string): string {
  return `${key}\u0000${value}`;
}
