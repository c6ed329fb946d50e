/**
 * Where a stage (or a worker) runs on Kubernetes, from its `labels` and `resources`: each label
 * becomes a node selector and a matching toleration (so dedicated, tainted node pools work), a
 * GPU becomes an `nvidia.com/gpu` limit and the GPU taint's toleration, cpu and memory become
 * requests (memory also the limit: a stage over it is killed rather than starving its node).
 */
import type { StageResources } from '../pipeline/index.js';
import type { Placement, Toleration } from './kubernetes-objects.js';

/** The prefix of node labels made from a bare stage label: `gpu` selects nodes labelled `sluice.dev/gpu=true`. */
export const NODE_LABEL_PREFIX = 'sluice.dev/';

/** The extended resource and taint of NVIDIA's device plugin. */
export const GPU_RESOURCE = 'nvidia.com/gpu';

/** A stage label as a node label: `gpu` → `sluice.dev/gpu=true`, `pool=a` → `sluice.dev/pool=a`, `example.com/pool=a` as written. */
export function nodeLabel(label: string): { key: string; value: string } {
  const [key, value] = label.split('=') as [string, string | undefined];
  return { key: key.includes('/') ? key : `${NODE_LABEL_PREFIX}${key}`, value: value ?? 'true' };
}

/** The node selector, tolerations and container resources of something with these labels and resources. */
export function placementOf(labels: readonly string[], resources: StageResources): Placement {
  const nodeSelector: Record<string, string> = {};
  const tolerations: Toleration[] = [];
  for (const label of labels) {
    const { key, value } = nodeLabel(label);
    nodeSelector[key] = value;
    tolerations.push({ key, operator: 'Equal', value, effect: 'NoSchedule' });
  }
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  if (resources.cpu !== undefined) requests.cpu = String(resources.cpu);
  if (resources.memory !== undefined) requests.memory = limits.memory = resources.memory;
  if (resources.gpu !== undefined && resources.gpu > 0) {
    limits[GPU_RESOURCE] = String(resources.gpu);
    tolerations.push({ key: GPU_RESOURCE, operator: 'Exists', effect: 'NoSchedule' });
  }
  return {
    ...(labels.length > 0 ? { nodeSelector } : {}),
    ...(tolerations.length > 0 ? { tolerations } : {}),
    ...(Object.keys(requests).length + Object.keys(limits).length > 0
      ? { resources: { ...(Object.keys(requests).length > 0 ? { requests } : {}), ...(Object.keys(limits).length > 0 ? { limits } : {}) } }
      : {}),
  };
}
