/** Spec fixtures shared by tests. */

/** A small valid spec; the tests below break it one way at a time (line numbers refer to it). */
export const LAB = `# yaml-language-server: $schema=../schema/cluster.schema.json
# A two-node lab: one H100 node per tenant, for trying colossus-cdktf in seconds.
apiVersion: colossus.dev/v1alpha1
kind: Cluster
metadata:
  name: lab
spec:
  kubernetes:
    version: '1.33'
    context: kind-lab
  site:
    name: lab
    powerBudgetMW: 0.1
    maxRackKW: 30
  nodePools:
    - name: h100
      gpu: H100-SXM5-80GB
      nodes: 2
      nodesPerRack: 2
      racksPerBlock: 1
  tenants:
    - name: team-a
      groups: ['lab:team-a']
      gpuQuota: { h100: 8 }
    - name: partner
      external: true
      groups: ['partner:admins']
      gpuQuota: { h100: 8 }
`;
