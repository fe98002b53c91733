/**
 * The fabric's IPv4 address plan: `railCIDR` split into one equal range per rail, each sized for
 * the nodes on that rail (nv-ipam hands every node a block of `perNodeBlockSize` addresses),
 * and checked against the cluster's pod and service ranges. Pure: no cdktf, no I/O.
 */

import { formatNumber as fmt } from '../model/values';

/** An IPv4 network: base address as an unsigned 32-bit number, and prefix length. */
export interface Ipv4Cidr {
  readonly base: number;
  readonly prefix: number;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/p`; undefined when it is not an IPv4 CIDR. Host bits may be set (see `isNetwork`). */
export function parseCidr(text: string): Ipv4Cidr | undefined {
  const m = CIDR.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  return { base: octets.reduce((a, o) => a * 256 + o, 0), prefix };
}

/** Addresses in a prefix. */
export function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

/** The network `cidr` lies in (host bits cleared). */
export function networkOf(cidr: Ipv4Cidr): Ipv4Cidr {
  const size = blockSize(cidr.prefix);
  return { base: Math.floor(cidr.base / size) * size, prefix: cidr.prefix };
}

/** Whether `cidr` has no host bits set. */
export function isNetwork(cidr: Ipv4Cidr): boolean {
  return networkOf(cidr).base === cidr.base;
}

export function formatCidr(cidr: Ipv4Cidr): string {
  const b = cidr.base;
  return `${[24, 16, 8, 0].map((s) => Math.floor(b / 2 ** s) % 256).join('.')}/${cidr.prefix}`;
}

/** Whether two networks share an address. */
export function overlaps(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  const [na, nb] = [networkOf(a), networkOf(b)];
  return na.base < nb.base + blockSize(nb.prefix) && nb.base < na.base + blockSize(na.prefix);
}

/** A named range, for overlap checks. */
export interface NamedCidr {
  /** What the range is, as the user knows it: `spec.fabric.railCIDR`. */
  readonly name: string;
  readonly cidr: Ipv4Cidr;
}

/** Every overlapping pair of `ranges`, in input order. */
export function findOverlaps(ranges: readonly NamedCidr[]): [NamedCidr, NamedCidr][] {
  return ranges.flatMap((a, i) =>
    ranges
      .slice(i + 1)
      .filter((b) => overlaps(a.cidr, b.cidr))
      .map((b) => [a, b] as [NamedCidr, NamedCidr]),
  );
}

/** What the address plan is built from. */
export interface AddressPlanInput {
  readonly railCIDR: Ipv4Cidr;
  /** Nodes with a NIC on each rail; its length is the number of rails. */
  readonly nodesPerRail: readonly number[];
  /** Addresses nv-ipam reserves per node on each rail: the pods per node that need RDMA. */
  readonly perNodeBlockSize: readonly number[];
}

/** The range of one rail. */
export interface RailRange {
  readonly rail: number;
  readonly cidr: string;
  /** Usable addresses (network and broadcast excluded). */
  readonly addresses: number;
  readonly nodes: number;
  readonly perNodeBlockSize: number;
  /** Addresses the rail's nodes take. */
  readonly requiredAddresses: number;
}

/** Why the plan does not fit. */
export interface AddressPlanFailure {
  readonly code: 'fabric-range-exhausted';
  readonly message: string;
  readonly fix: string;
}

export type AddressPlanResult =
  | { readonly ok: true; readonly rails: readonly RailRange[] }
  | { readonly ok: false; readonly failures: readonly AddressPlanFailure[] };

/** Bits taken from railCIDR to give `rails` equal ranges. */
export function splitBits(rails: number): number {
  return Math.ceil(Math.log2(Math.max(1, rails)));
}

/** Shortest prefix (the largest network) whose usable addresses hold `addresses`. */
export function prefixFor(addresses: number): number {
  return 32 - Math.ceil(Math.log2(addresses + 2));
}

/** Splits railCIDR into one range per rail and checks that each holds its nodes' blocks. */
export function planRailAddresses(input: AddressPlanInput): AddressPlanResult {
  const rails = input.nodesPerRail.length;
  const bits = splitBits(rails);
  const base = networkOf(input.railCIDR);
  const prefix = base.prefix + bits;
  const ranges: RailRange[] = input.nodesPerRail.map((nodes, rail) => {
    const cidr = { base: base.base + rail * blockSize(Math.min(prefix, 32)), prefix };
    return {
      rail,
      cidr: formatCidr(cidr),
      addresses: prefix > 30 ? 0 : blockSize(prefix) - 2,
      nodes,
      perNodeBlockSize: input.perNodeBlockSize[rail],
      requiredAddresses: nodes * input.perNodeBlockSize[rail],
    };
  });
  const short = ranges.filter((r) => r.requiredAddresses > r.addresses);
  if (short.length === 0) return { ok: true, rails: ranges };
  const neededRailPrefix = Math.min(...short.map((r) => prefixFor(r.requiredAddresses)));
  const needed = neededRailPrefix - bits;
  const fix =
    needed >= 1
      ? `give railCIDR prefix /${needed} or shorter (each of the ${rails} rails then gets a /${neededRailPrefix})`
      : `the rails need more than the IPv4 space: lower fabric.rdmaPodsPerNode or split the cluster`;
  const whole = `${formatCidr(input.railCIDR)} split into ${2 ** bits} ranges`;
  // Rails with the same nodes fall short alike: one failure for them all.
  const groups = new Map<string, RailRange[]>();
  for (const r of short)
    groups.set(`${r.nodes}/${r.perNodeBlockSize}`, [...(groups.get(`${r.nodes}/${r.perNodeBlockSize}`) ?? []), r]);
  return {
    ok: false,
    failures: [...groups.values()].map((group) => {
      const [r] = group;
      const need = `${fmt(r.requiredAddresses)} addresses (${fmt(r.nodes)} nodes x ${r.perNodeBlockSize} per node)`;
      return {
        code: 'fabric-range-exhausted',
        message:
          group.length === 1
            ? `rail ${r.rail} needs ${need} but its range ${r.cidr} holds ${fmt(r.addresses)} (${whole})`
            : `rails ${railList(group.map((g) => g.rail))} need ${need} each but their ranges (/${prefix}) hold ` +
              `${fmt(r.addresses)} each (${whole})`,
        fix,
      };
    }),
  };
}

/** `0-3, 6`: rail numbers with consecutive runs joined. */
function railList(rails: readonly number[]): string {
  const runs: [number, number][] = [];
  for (const r of rails) {
    const last = runs[runs.length - 1];
    if (last && r === last[1] + 1) last[1] = r;
    else runs.push([r, r]);
  }
  return runs.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(', ');
}
