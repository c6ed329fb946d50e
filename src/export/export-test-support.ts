/**
 * Validation of what the exports write, for the tests: the Workflow against validators generated
 * from Argo Workflows v4's API types (npm @kubernetes-models/argo-workflows, the same Go types
 * Argo's published api/jsonschema/schema.json is generated from), the ServiceAccount and
 * Deployment against validators generated from the Kubernetes OpenAPI (npm kubernetes-models).
 * Those validators leave objects open; the renderers' objects are also assigned to the models'
 * interfaces here, so a field of another type than the model's fails the build.
 */
import { Workflow as WorkflowModel, type IWorkflow } from '@kubernetes-models/argo-workflows/argoproj.io/v1alpha1/Workflow';
import { Deployment as DeploymentModel, type IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { ServiceAccount as ServiceAccountModel, type IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { parseAllDocuments } from 'yaml';
import type { Deployment, ServiceAccount, Workflow } from './index.js';

/** `T` with every readonly dropped (the models' arrays are mutable). */
type Mutable<T> = T extends ReadonlyArray<infer U> ? Mutable<U>[] : T extends object ? { -readonly [K in keyof T]: Mutable<T[K]> } : T;

function errorsOf(validate: () => void): string[] {
  try {
    validate();
    return [];
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
}

/** Schema errors of a Workflow (none when valid). */
export function workflowErrors(workflow: Workflow): string[] {
  const typed: IWorkflow = workflow as Mutable<Workflow>;
  return errorsOf(() => new WorkflowModel(typed).validate());
}

/** Schema errors of a ServiceAccount or Deployment (none when valid). */
export function kubernetesErrors(object: ServiceAccount | Deployment): string[] {
  if (object.kind === 'ServiceAccount') {
    const typed: IServiceAccount = object as Mutable<ServiceAccount>;
    return errorsOf(() => new ServiceAccountModel(typed).validate());
  }
  const typed: IDeployment = object as Mutable<Deployment>;
  return errorsOf(() => new DeploymentModel(typed).validate());
}

/** The objects of a multi-document YAML file. */
export function yamlObjects(text: string): unknown[] {
  return parseAllDocuments(text).map((document) => document.toJS() as unknown);
}
