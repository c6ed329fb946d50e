/**
 * The parts of the Kubernetes and Argo Workflows objects that `sluice export` writes, named as in
 * their Go types (k8s.io/api core/v1 and apps/v1; argoproj/argo-workflows
 * pkg/apis/workflow/v1alpha1/workflow_types.go). Tests validate the written objects against
 * validators generated from those types (npm @kubernetes-models/argo-workflows and
 * kubernetes-models), so these interfaces only say what the renderers produce; quantities and
 * IntOrString fields are strings, as Argo's published JSON schema has them.
 */

/** `metadata` of a top-level object: a fixed name, or a prefix the API server completes. */
export interface ObjectMeta {
  readonly name?: string;
  readonly generateName?: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A reference to one key of a Secret. */
export interface SecretKeySelector {
  readonly name: string;
  readonly key: string;
  readonly optional?: boolean;
}

/** An environment variable: a value, or a Secret's key. */
export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly secretKeyRef: SecretKeySelector };
}

/** Every key of a Secret as an environment variable. */
export interface EnvFromSource {
  readonly secretRef: { readonly name: string; readonly optional?: boolean };
}

/** Requests and limits by resource name (`cpu`, `memory`, `nvidia.com/gpu`). */
export interface ResourceRequirements {
  readonly requests?: Readonly<Record<string, string>>;
  readonly limits?: Readonly<Record<string, string>>;
}

/** Lets a pod onto nodes tainted with `key` (=`value`). */
export interface Toleration {
  readonly key: string;
  readonly operator: 'Equal' | 'Exists';
  readonly value?: string;
  readonly effect: 'NoSchedule';
}

/** A container, as far as Sluice's exports fill it in. */
export interface Container {
  readonly name: string;
  readonly image: string;
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent';
  readonly command: readonly string[];
  readonly args: readonly string[];
  readonly workingDir?: string;
  readonly env: readonly EnvVar[];
  readonly envFrom?: readonly EnvFromSource[];
  readonly resources?: ResourceRequirements;
  readonly volumeMounts?: ReadonlyArray<{ readonly name: string; readonly mountPath: string }>;
}

/** Where and with what a pod runs: node selector, tolerations and container resources. */
export interface Placement {
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly tolerations?: readonly Toleration[];
  readonly resources?: ResourceRequirements;
}

/** A git checkout as an Argo input artifact. */
export interface GitArtifact {
  readonly name: string;
  readonly path: string;
  readonly git: {
    readonly repo: string;
    readonly revision: string;
    readonly usernameSecret?: SecretKeySelector;
    readonly passwordSecret?: SecretKeySelector;
  };
}

/** `retryStrategy` of an Argo template. */
export interface RetryStrategy {
  readonly limit: string;
  readonly retryPolicy: 'OnError' | 'OnFailure' | 'Always';
  readonly backoff: { readonly duration: string; readonly factor: string };
}

/** An Argo template running one stage in a container. */
export interface ContainerTemplate {
  readonly name: string;
  readonly metadata: { readonly annotations: Readonly<Record<string, string>> };
  readonly inputs: { readonly artifacts: readonly GitArtifact[] };
  readonly retryStrategy: RetryStrategy;
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly tolerations?: readonly Toleration[];
  readonly container: Container;
}

/** A task of an Argo DAG: a template and the tasks it waits for. */
export interface DagTask {
  readonly name: string;
  readonly template: string;
  readonly dependencies?: readonly string[];
}

/** An Argo template made of a DAG of tasks. */
export interface DagTemplate {
  readonly name: string;
  readonly dag: { readonly tasks: readonly DagTask[] };
}

/** An Argo Workflows `Workflow`. */
export interface Workflow {
  readonly apiVersion: 'argoproj.io/v1alpha1';
  readonly kind: 'Workflow';
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly entrypoint: string;
    readonly serviceAccountName?: string;
    readonly arguments: { readonly parameters: ReadonlyArray<{ readonly name: string; readonly value: string }> };
    readonly podMetadata: { readonly labels: Readonly<Record<string, string>> };
    readonly templates: ReadonlyArray<DagTemplate | ContainerTemplate>;
  };
}

/** A `v1` ServiceAccount. */
export interface ServiceAccount {
  readonly apiVersion: 'v1';
  readonly kind: 'ServiceAccount';
  readonly metadata: ObjectMeta & { readonly name: string };
  readonly automountServiceAccountToken: boolean;
}

/** An `apps/v1` Deployment of one pod template with an init container. */
export interface Deployment {
  readonly apiVersion: 'apps/v1';
  readonly kind: 'Deployment';
  readonly metadata: ObjectMeta & { readonly name: string };
  readonly spec: {
    readonly replicas: number;
    readonly selector: { readonly matchLabels: Readonly<Record<string, string>> };
    readonly strategy: { readonly type: 'RollingUpdate'; readonly rollingUpdate: { readonly maxSurge: number; readonly maxUnavailable: number } };
    readonly template: {
      readonly metadata: { readonly labels: Readonly<Record<string, string>> };
      readonly spec: Omit<Placement, 'resources'> & {
        readonly serviceAccountName: string;
        readonly automountServiceAccountToken: boolean;
        readonly terminationGracePeriodSeconds: number;
        readonly initContainers: readonly Container[];
        readonly containers: readonly Container[];
        readonly volumes: ReadonlyArray<{ readonly name: string; readonly emptyDir: Readonly<Record<string, never>> }>;
      };
    };
  };
}
