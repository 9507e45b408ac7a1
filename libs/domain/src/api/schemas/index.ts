/**
 * The zod schemas for wire input. Their outputs must stay assignable to the
 * hand-written types in ../types.ts; the checks below fail the build if a
 * schema drifts from its type.
 */
import type { z } from 'zod';
import type { ControllerRevision, DaemonSet, LabelSelector, Node, ObjectMeta, Pod, PodSpec, PodTemplateSpec, Status } from '../types';
import { labelSelectorSchema, objectMetaSchema, statusSchema } from './meta';
import { podSchema, podSpecSchema, podTemplateSpecSchema } from './pod';
import { controllerRevisionSchema, daemonSetSchema } from './workloads';
import { nodeSchema } from './node';

export * from './meta';
export * from './pod';
export * from './workloads';
export * from './node';

type Assignable<T extends U, U> = [T, U];
export type SchemaTypeChecks = [
  Assignable<z.output<typeof daemonSetSchema>, DaemonSet>,
  Assignable<z.output<typeof podSchema>, Pod>,
  Assignable<z.output<typeof nodeSchema>, Node>,
  Assignable<z.output<typeof controllerRevisionSchema>, ControllerRevision>,
  Assignable<z.output<typeof statusSchema>, Status>,
  Assignable<z.output<typeof objectMetaSchema>, ObjectMeta>,
  Assignable<z.output<typeof labelSelectorSchema>, LabelSelector>,
  Assignable<z.output<typeof podSpecSchema>, PodSpec>,
  Assignable<z.output<typeof podTemplateSpecSchema>, PodTemplateSpec>,
];
