/**
 * @module export
 * The pipeline for other engines: `sluice export argo` (the DAG as an Argo Workflows Workflow,
 * a pod per stage on the shared cache and the team server) and `sluice export k8s-worker` (a
 * Deployment of `sluice worker` for the BullMQ route).
 */
export { exportArgoWorkflow, exportWorkerDeployment, type ExportArgoOptions, type ExportResult, type ExportWorkerOptions } from './export-service.js';
export { argoWorkflow, ARGO_FIELD_NAME, CHECKOUT_PATH, REMOTE_SECRET, SERVER_SECRET, STAGE_ANNOTATION, taskNames, type ArgoWorkflowOptions } from './argo-workflow.js';
export { QUEUE_SECRET, workerDeployment, type WorkerDeploymentOptions } from './k8s-worker.js';
export { GPU_RESOURCE, NODE_LABEL_PREFIX, nodeLabel, placementOf } from './placement.js';
export type { ContainerTemplate, DagTask, DagTemplate, Deployment, ServiceAccount, Workflow } from './kubernetes-objects.js';
