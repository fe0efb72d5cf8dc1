import { policyIndexOf } from '../check';
import { Inventory } from '../model/types';
import { OutsideAccess, OutsideCells, cellsNotIn, describeOutside, outsideCells } from '../reach/outside';
import { OutsidePartition, outsidePartition } from '../reach/outside-partition';

/** Runs of outside addresses (and ports) allowed only after, or only before. */
export interface OutsideChanges {
  readonly added: OutsideCells;
  readonly removed: OutsideCells;
}

/** The same, as a reviewer reads them (`describeOutside`, without reasons). */
export interface OutsideDiff {
  readonly outsideAdded: readonly OutsideAccess[];
  readonly outsideRemoved: readonly OutsideAccess[];
}

/**
 * Compares the access of two inventories from and to addresses outside the cluster, run by run of a
 * partition both share (`outsidePartition` of both): a block opened, a hole closed, a port range
 * widened or a workload's egress left unrestricted all add runs.
 */
export function outsideChanges(before: Inventory, after: Inventory, partition: OutsidePartition): OutsideChanges {
  const cellsOf = (inventory: Inventory) =>
    outsideCells(policyIndexOf(inventory), inventory.workloads.filter((workload) => !workload.ownedByListedWorkload), partition);
  const [was, is] = [cellsOf(before), cellsOf(after)];
  return { added: cellsNotIn(is, was), removed: cellsNotIn(was, is) };
}

/** Two inventories' outside access compared over one cut of both: the partition, the changes, and as a reviewer reads them. */
export interface OutsideComparison {
  readonly partition: OutsidePartition;
  readonly changes: OutsideChanges;
  readonly diff: OutsideDiff;
}

/** What `diff` and `audit` compare outside the cluster (a layer's own diff takes the partition and changes along). */
export function compareOutside(before: Inventory, after: Inventory): OutsideComparison {
  const partition = outsidePartition([before, after]);
  const changes = outsideChanges(before, after, partition);
  return { partition, changes, diff: describeOutsideChanges(changes, partition) };
}

/** The changes, less those `shown` already lists (a layer's own diff leaves out the end-to-end one's). */
export function describeOutsideChanges(changes: OutsideChanges, partition: OutsidePartition, shown?: OutsideChanges): OutsideDiff {
  const unshown = (cells: OutsideCells, known: OutsideCells | undefined) => (known ? cellsNotIn(cells, known) : cells);
  return {
    outsideAdded: describeOutside(unshown(changes.added, shown?.added), partition, false),
    outsideRemoved: describeOutside(unshown(changes.removed, shown?.removed), partition, false),
  };
}
