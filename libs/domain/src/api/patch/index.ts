// Public API of the PATCH engines (pure; no I/O).
export type { JsonObject, JsonPrimitive, JsonValue } from './json';
export { applyJsonMergePatch } from './json-merge-patch';
export { applyJsonPatch, decodeJsonPatch, JSON_PATCH_REJECTED, MAX_JSON_PATCH_OPERATIONS } from './json-patch';
export type { JsonPatchOperation } from './json-patch';
export { applyStrategicMergePatch } from './strategic-merge-patch';
export { fieldMeta, isPatchKind, OBJECT_META, PATCH_SCHEMAS, POD_SPEC, POD_TEMPLATE_SPEC } from './patch-schema';
export type { FieldPatchMeta, PatchKind, PatchStrategy, StructPatchSchema } from './patch-schema';
export { applyPatch, PATCH_MEDIA_TYPES, patchMediaType, UNSUPPORTED_PATCH_MEDIA_TYPE_MESSAGE } from './apply-patch';
export type { PatchBody, PatchMediaType } from './apply-patch';
export { applyWithOwnership, describePath, fieldSet, fromFieldsV1, toFieldsV1, trackUpdate } from './managed-fields';
export type { ApplyOptions, UpdateOptions } from './managed-fields';
