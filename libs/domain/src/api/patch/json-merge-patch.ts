/**
 * RFC 7386 JSON merge patch (`application/merge-patch+json`): objects merge
 * recursively, `null` deletes a member, everything else (arrays included)
 * replaces. kubectl sends it for `label` and `annotate`.
 */
import { deepClone, isObject, JsonObject, JsonValue, member, setMember } from './json';

/**
 * Returns the patched copy of `target` (neither argument is mutated). A
 * non-object patch replaces the whole document, as the RFC says; `applyPatch`
 * then rejects a non-object result.
 */
export const applyJsonMergePatch = (target: JsonValue | undefined, patch: JsonValue): JsonValue =>
  merge(deepClone(target), deepClone(patch));

// Works in place on private copies.
const merge = (target: JsonValue | undefined, patch: JsonValue): JsonValue => {
  if (!isObject(patch)) return patch;
  const result: JsonObject = isObject(target) ? target : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    // Members new to the target still go through the merge so that nulls
    // nested in a new object are dropped (RFC 7386 §2: MergePatch({}, value)).
    else setMember(result, key, merge(member(result, key), value));
  }
  return result;
};
