/**
 * JSON Schema of `spec.cells`: how the site is cut into workload clusters (cells) under one
 * MultiKueue manager. The semantics (pools, blocks, ranges, the 5,000-node threshold) are
 * checked by the cells planner (cells/analysis.ts) on the plan of cells/plan.ts.
 */
import { ENDPOINT_PROPERTIES } from './endpoint-schema';
import { cidrSchema } from './fabric-schema';
import type { JsonSchema } from './schema';
import { tsType } from './schema-annotations';
import { DNS_LABEL, kubeconfigFile, kubeContext } from './schema-fields';

const layoutEntry: JsonSchema = {
  ...tsType('CellLayoutSpec', 'One pinned cell (a hall, a power domain): the next `blocks` blocks of `pool`.'),
  type: 'object',
  description: 'A pinned cell: the next `blocks` blocks of `pool`.',
  additionalProperties: false,
  required: ['name', 'pool', 'blocks'],
  properties: {
    name: {
      type: 'string',
      description: 'Cell name; prefixes its stacks (<cluster>-<cell>-*).',
      pattern: DNS_LABEL,
      minLength: 1,
      maxLength: 40,
      'x-fix': "use lower-case letters, digits and '-', at most 40 characters",
    },
    pool: {
      type: 'string',
      description: 'Pool whose blocks the cell takes.',
      pattern: DNS_LABEL,
      minLength: 1,
      maxLength: 40,
      'x-fix': 'name a pool of spec.nodePools',
    },
    blocks: {
      type: 'integer',
      description: "Blocks the cell takes, in order after the pool's earlier pinned cells.",
      minimum: 1,
      maximum: 100_000,
      'x-fix': 'use a whole number of blocks from 1',
    },
    context: kubeContext('kubeconfig context of the cell. Default: "<kubernetes.context>-<cell>".'),
    kubeconfig: kubeconfigFile('kubeconfig file holding the context. Default: kubernetes.kubeconfig.'),
    podCIDR: cidrSchema("The cell's pod range. Default: its share of kubernetes.podCIDR."),
    serviceCIDR: cidrSchema("The cell's Service range. Default: its share of kubernetes.serviceCIDR."),
    railCIDR: cidrSchema("The cell's rail range. Default: its share of fabric.railCIDR."),
    endpoint: {
      type: 'object',
      description: 'The cell\'s API endpoint. Default: "<cell>.<management.controlPlaneEndpoint.host>".',
      additionalProperties: false,
      required: ['host'],
      properties: { ...ENDPOINT_PROPERTIES },
    },
  },
};

/** `spec.cells`. */
export const cellsSchema: JsonSchema = {
  ...tsType('CellsSpec', 'How the site is cut into cells (workload clusters) and how the manager cluster is reached.'),
  type: 'object',
  description:
    'Cells: the site as workload clusters of at most maxNodesPerCell nodes under one MultiKueue manager. Default: one cluster while it fits one cell.',
  additionalProperties: false,
  required: [],
  properties: {
    maxNodesPerCell: {
      type: 'integer',
      description: 'Most nodes per cell; above 5000 (the upstream threshold) exceedReason must say why.',
      minimum: 1,
      maximum: 1_000_000,
      default: 5000,
      'x-fix': 'use a whole number of nodes, at most 5000 unless exceedReason says why',
    },
    exceedReason: {
      type: 'string',
      description:
        'Why cells may exceed the upstream 5,000-node threshold; recorded in the summary. Default: none (maxNodesPerCell may not exceed 5,000).',
      minLength: 20,
      maxLength: 1000,
      'x-fix': 'say in a sentence what makes cells above 5,000 nodes safe here (replaced storage, tested SLOs)',
    },
    controlPlaneReplicas: {
      type: 'integer',
      description: 'Control-plane machines of each cell (odd, for etcd quorum).',
      enum: [1, 3, 5],
      default: 5,
    },
    manager: {
      ...tsType('CellManagerSpec', 'Where the MultiKueue manager cluster is.'),
      type: 'object',
      description: 'The MultiKueue manager cluster. Default: kubernetes.context and kubernetes.kubeconfig.',
      additionalProperties: false,
      required: ['context'],
      properties: {
        context: kubeContext('kubeconfig context of the manager cluster.'),
        kubeconfig: kubeconfigFile('kubeconfig file holding the context. Default: kubernetes.kubeconfig.'),
      },
    },
    layout: {
      type: 'array',
      description:
        'Pinned cells (per hall, per power domain); blocks not pinned are cut into automatic cells. Default: every cell automatic.',
      items: layoutEntry,
      maxItems: 1000,
    },
  },
};
