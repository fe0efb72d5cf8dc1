import { Construct } from 'constructs';

/**
 * The id of a child that every namespace adds first. Not a DNS label, so no service can take it.
 * @internal
 */
export const CHILDREN_ANCHOR_ID = 'ChildrenAnchor';

/**
 * Gives `scope` a first child whose id is the same in every scope, so that the plain object in which
 * `constructs` keeps a construct's children starts with the same key in every namespace.
 *
 * Why: V8 records at most 1,536 hidden-class transitions per map. An object built key by key from
 * `{}` takes the transition named by its first key, and the transitions of `{}` are shared by every
 * such object in the process (cdk8s's L1 `toJson`, our serializer, the `yaml` package). When each
 * namespace's children began with its first service's name, some 1,500 namespaces used them all up;
 * after that, every object built key by key got a hidden class of its own, and all of synth slowed
 * down. Render of 20,000 services took 10.9 s instead of 6.2 s, of 50,000 services 34 s instead of 18 s.
 * @internal
 */
export function anchorChildren(scope: Construct): void {
  new Construct(scope, CHILDREN_ANCHOR_ID);
}
