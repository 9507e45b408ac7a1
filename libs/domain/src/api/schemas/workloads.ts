/** apps/v1 DaemonSet and ControllerRevision. */
import { z } from 'zod';
import { labelSelectorSchema, objectMetaSchema } from './meta';
import { podTemplateSpecSchema } from './pod';
import { int32, int64, intOrString, str, strict, time } from './primitives';

export const daemonSetSpecSchema = strict('v1.DaemonSetSpec', {
  selector: labelSelectorSchema.optional(),
  template: podTemplateSpecSchema.default({ spec: { containers: [] } }),
  updateStrategy: strict('v1.DaemonSetUpdateStrategy', {
    type: str().optional(),
    rollingUpdate: strict('v1.RollingUpdateDaemonSet', {
      maxUnavailable: intOrString().optional(),
      maxSurge: intOrString().optional(),
    }).optional(),
  }).optional(),
  minReadySeconds: int32().optional(),
  revisionHistoryLimit: int32().optional(),
});

export const daemonSetStatusSchema = strict('v1.DaemonSetStatus', {
  currentNumberScheduled: int32().default(0),
  numberMisscheduled: int32().default(0),
  desiredNumberScheduled: int32().default(0),
  numberReady: int32().default(0),
  observedGeneration: int64().optional(),
  updatedNumberScheduled: int32().optional(),
  numberAvailable: int32().optional(),
  numberUnavailable: int32().optional(),
  collisionCount: int32().optional(),
  conditions: z
    .array(
      strict('v1.DaemonSetCondition', {
        type: str().default(''),
        status: str().default(''),
        lastTransitionTime: time().optional(),
        reason: str().optional(),
        message: str().optional(),
      }),
      { error: '[]v1.DaemonSetCondition' },
    )
    .optional(),
});

export const daemonSetSchema = strict('v1.DaemonSet', {
  apiVersion: z.literal('apps/v1'),
  kind: z.literal('DaemonSet'),
  metadata: objectMetaSchema.default({}),
  spec: daemonSetSpecSchema.default({ template: { spec: { containers: [] } } }),
  status: daemonSetStatusSchema.optional(),
});

export const controllerRevisionSchema = strict('v1.ControllerRevision', {
  apiVersion: z.literal('apps/v1'),
  kind: z.literal('ControllerRevision'),
  metadata: objectMetaSchema.default({}),
  // runtime.RawExtension: any JSON; absence is reported by validation ("data is mandatory").
  data: z.unknown(),
  revision: int64().default(0),
});
