/**
 * Schemas of the Kubernetes objects `sluice package` writes: the subset of fields it emits of a
 * Deployment, Service, HorizontalPodAutoscaler (autoscaling/v2) and KServe InferenceService
 * (serving.kserve.io/v1beta1). Objects are strict, so a misspelt field fails validation instead
 * of being ignored by the API server, and the renderers' types are derived from them.
 *
 * Field names follow the Kubernetes API reference (k8s.io/api apps/v1, core/v1, autoscaling/v2)
 * and KServe's Go types (kserve/kserve:pkg/apis/serving/v1beta1/predictor.go, component.go,
 * predictor_custom.go).
 */
import { z } from 'zod';
import { KSERVE_NAME_MAX_LENGTH, KUBERNETES_NAME_MAX_LENGTH, KUBERNETES_NAME_PATTERN } from './names.js';

const name = z.string().max(KUBERNETES_NAME_MAX_LENGTH).regex(KUBERNETES_NAME_PATTERN, { error: 'must be a lowercase RFC 1123 label starting with a letter' });

// Label and annotation keys: an optional DNS-subdomain prefix and a name of at most 63 characters.
const qualifiedKey = z.string().regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/);
const labelValue = z.string().max(63).regex(/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/);
const labels = z.record(qualifiedKey, labelValue);
const annotations = z.record(qualifiedKey, z.string());

const objectMeta = z.strictObject({ name, labels: labels.optional(), annotations: annotations.optional() });

const portNumber = z.number().int().min(1).max(65535);
/** An IANA_SVC_NAME: at most 15 characters, lowercase, with a letter. */
const portName = z.string().max(15).regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/).regex(/[a-z]/);
const quantity = z.string().regex(/^[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/, { error: 'must be a Kubernetes quantity such as 500m or 1Gi' });
const seconds = z.number().int().min(0);
const intOrPercent = z.union([z.number().int().min(0), z.string().regex(/^[0-9]+%$/)]);

const httpGetProbe = z.strictObject({
  httpGet: z.strictObject({ path: z.string().startsWith('/'), port: z.union([portNumber, portName]) }),
  initialDelaySeconds: seconds.optional(),
  periodSeconds: seconds.min(1).optional(),
  timeoutSeconds: seconds.min(1).optional(),
  failureThreshold: seconds.min(1).optional(),
});

const containerPort = z.strictObject({ name: portName, containerPort: portNumber, protocol: z.literal('TCP') });

const resourceList = z.strictObject({ cpu: quantity, memory: quantity });

const containerSecurityContext = z.strictObject({
  allowPrivilegeEscalation: z.boolean(),
  readOnlyRootFilesystem: z.boolean().optional(),
  runAsNonRoot: z.boolean().optional(),
  runAsUser: z.number().int().min(1).optional(),
  capabilities: z.strictObject({ drop: z.array(z.string()) }),
  seccompProfile: z.strictObject({ type: z.literal('RuntimeDefault') }).optional(),
});

const container = z.strictObject({
  name,
  image: z.string().min(1),
  imagePullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']),
  args: z.array(z.string()),
  env: z.array(z.strictObject({ name: z.string().min(1), value: z.string() })).optional(),
  ports: z.array(containerPort).min(1),
  readinessProbe: httpGetProbe,
  livenessProbe: httpGetProbe,
  resources: z.strictObject({ requests: resourceList, limits: resourceList }),
  securityContext: containerSecurityContext,
  lifecycle: z.strictObject({ preStop: z.strictObject({ exec: z.strictObject({ command: z.array(z.string()).min(1) }) }) }).optional(),
  volumeMounts: z.array(z.strictObject({ name, mountPath: z.string().startsWith('/') })).optional(),
});

const podSpec = z.strictObject({
  terminationGracePeriodSeconds: seconds,
  automountServiceAccountToken: z.boolean().optional(),
  securityContext: z
    .strictObject({
      runAsNonRoot: z.literal(true),
      runAsUser: z.number().int().min(1),
      runAsGroup: z.number().int().min(1),
      fsGroup: z.number().int().min(1).optional(),
      seccompProfile: z.strictObject({ type: z.literal('RuntimeDefault') }),
    })
    .optional(),
  containers: z.array(container).min(1),
  volumes: z.array(z.strictObject({ name, emptyDir: z.strictObject({ sizeLimit: quantity.optional() }) })).optional(),
});

/** A subset of `apps/v1` Deployment. Kubernetes rejects a selector the pod labels do not match, and so does this. */
export const deploymentSchema = z
  .strictObject({
    apiVersion: z.literal('apps/v1'),
    kind: z.literal('Deployment'),
    metadata: objectMeta,
    spec: z.strictObject({
      replicas: z.number().int().min(0),
      revisionHistoryLimit: z.number().int().min(0).optional(),
      selector: z.strictObject({ matchLabels: labels }),
      strategy: z.strictObject({ type: z.literal('RollingUpdate'), rollingUpdate: z.strictObject({ maxSurge: intOrPercent, maxUnavailable: intOrPercent }) }),
      template: z.strictObject({ metadata: z.strictObject({ labels, annotations: annotations.optional() }), spec: podSpec }),
    }),
  })
  .refine(
    (deployment) => Object.entries(deployment.spec.selector.matchLabels).every(([key, value]) => deployment.spec.template.metadata.labels[key] === value),
    { error: 'the selector must match the pod template\'s labels', path: ['spec', 'selector'] },
  );

/** A subset of `v1` Service: a ClusterIP in front of the pods' named port. */
export const serviceSchema = z.strictObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Service'),
  metadata: objectMeta,
  spec: z.strictObject({
    type: z.literal('ClusterIP'),
    selector: labels,
    ports: z.array(z.strictObject({ name: portName, port: portNumber, targetPort: z.union([portNumber, portName]), protocol: z.literal('TCP') })).min(1),
  }),
});

/** A subset of `autoscaling/v2` HorizontalPodAutoscaler, scaling a Deployment on resource utilisation. */
export const horizontalPodAutoscalerSchema = z
  .strictObject({
    apiVersion: z.literal('autoscaling/v2'),
    kind: z.literal('HorizontalPodAutoscaler'),
    metadata: objectMeta,
    spec: z.strictObject({
      scaleTargetRef: z.strictObject({ apiVersion: z.literal('apps/v1'), kind: z.literal('Deployment'), name }),
      minReplicas: z.number().int().min(1),
      maxReplicas: z.number().int().min(1),
      metrics: z
        .array(
          z.strictObject({
            type: z.literal('Resource'),
            resource: z.strictObject({
              name: z.enum(['cpu', 'memory']),
              target: z.strictObject({ type: z.literal('Utilization'), averageUtilization: z.number().int().min(1).max(100) }),
            }),
          }),
        )
        .min(1),
    }),
  })
  .refine((hpa) => hpa.spec.minReplicas <= hpa.spec.maxReplicas, { error: 'minReplicas must not exceed maxReplicas', path: ['spec', 'maxReplicas'] });

/**
 * KServe's custom predictor container: it must be named `kserve-container`, Knative serves one
 * port named `http1` (or `h2c`), and the protocol is the container's `PROTOCOL` env var
 * (`protocolVersion` exists only on the framework predictors).
 */
const kserveContainer = container
  .extend({
    name: z.literal('kserve-container'),
    ports: z.array(containerPort.extend({ name: z.enum(['http1', 'h2c']) })).length(1),
    env: z.array(z.strictObject({ name: z.string().min(1), value: z.string() })),
  })
  .refine((spec) => spec.env.some((variable) => variable.name === 'PROTOCOL' && (variable.value === 'v1' || variable.value === 'v2')), {
    error: 'the PROTOCOL env var must say v1 or v2',
    path: ['env'],
  });

/** A subset of `serving.kserve.io/v1beta1` InferenceService with a custom predictor container. */
export const inferenceServiceSchema = z.strictObject({
  apiVersion: z.literal('serving.kserve.io/v1beta1'),
  kind: z.literal('InferenceService'),
  metadata: objectMeta.extend({ name: name.max(KSERVE_NAME_MAX_LENGTH) }),
  spec: z.strictObject({
    predictor: z
      .strictObject({
        minReplicas: z.number().int().min(0),
        maxReplicas: z.number().int().min(1),
        /** On an update, the share of traffic the new revision gets (the rest stays on the last ready one). */
        canaryTrafficPercent: z.number().int().min(0).max(100).optional(),
        annotations: annotations.optional(),
        labels: labels.optional(),
        containers: z.array(kserveContainer).length(1),
      })
      .refine((predictor) => predictor.minReplicas <= predictor.maxReplicas, { error: 'minReplicas must not exceed maxReplicas', path: ['maxReplicas'] }),
  }),
});

/** Any object `sluice package` writes, told apart by `kind`. */
export const packagedObjectSchema = z.discriminatedUnion('kind', [deploymentSchema, serviceSchema, horizontalPodAutoscalerSchema, inferenceServiceSchema]);

export type Deployment = z.infer<typeof deploymentSchema>;
export type Service = z.infer<typeof serviceSchema>;
export type HorizontalPodAutoscaler = z.infer<typeof horizontalPodAutoscalerSchema>;
export type InferenceService = z.infer<typeof inferenceServiceSchema>;
export type PackagedObject = z.infer<typeof packagedObjectSchema>;
export type Container = z.infer<typeof container>;
