/**
 * The `duplicate-name` rule of a spec list whose items each need their own name (pools, tenants, filesystems,
 * sites, halls): one place for how a repeated name is found and said.
 */
import { SpecPath } from './errors';

/** Where a list is and how its repeated names are reported. */
export interface NamedList {
  /** What an item is, as the message says it: `site`. */
  readonly what: string;
  /** The list's key, as the message says it: `sites`. */
  readonly list: string;
  /** Path of the item at `index`. */
  readonly at: (index: number) => SpecPath;
  /** How to fix a repeated name. */
  readonly fix: string;
}

/** Reports each item whose name an earlier item of the list has: `<what> name "<name>" is used by <list>[<first>] too`. */
export function reportDuplicateNames(
  items: readonly { readonly name: string }[],
  list: NamedList,
  issue: (code: string, path: SpecPath, message: string, fix: string) => void,
): void {
  const firstIndex = new Map<string, number>();
  items.forEach(({ name }, i) => {
    const first = firstIndex.get(name);
    if (first === undefined) firstIndex.set(name, i);
    else {
      issue(
        'duplicate-name',
        [...list.at(i), 'name'],
        `${list.what} name "${name}" is used by ${list.list}[${first}] too`,
        list.fix,
      );
    }
  });
}
