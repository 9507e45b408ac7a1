/**
 * The strategic-merge-patch failures, with apimachinery's texts (mergepatch
 * errors.go) and the codes kube-apiserver gives them
 * (interpretStrategicMergePatchError): the "invalid patch format" family is a
 * 400, lists of lists and retainKeys mismatches a 422. Upstream lets every
 * other SMP error through as a 500 with an empty reason ("Error from server:
 * map: map[image:x] does not contain declared merge key: name"); those are
 * the client's fault, so they are 400s here, with the same text.
 */
import { DomainError } from '../../errors';
import { goFormat, goTypeName } from './json';

export const SMP_REJECTED = 'the server rejected our request due to an error in our request';

const bad = (message: string): DomainError => new DomainError('BadRequest', message);

export const smpErrors = {
  badPatchFormatForPrimitiveList: () => bad('invalid patch format of primitive list'),
  badPatchFormatForRetainKeys: () => bad('invalid patch format of retainKeys'),
  badPatchFormatForSetElementOrderList: () => bad('invalid patch format of setElementOrder list'),
  noListOfLists: () =>
    new DomainError('Invalid', SMP_REJECTED, { causes: [{ reason: 'FieldValueInvalid', message: 'lists of lists are not supported' }] }),
  badArgType: (expected: string, actual: unknown) => bad(`expected a ${expected}, but received a ${goTypeName(actual)}`),
  noMergeKey: (m: unknown, mergeKey: string) => bad(`map: ${goFormat(m)} does not contain declared merge key: ${mergeKey}`),
  badPatchType: (directive: unknown, m: unknown) => bad(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(m)}`),
  notAMap: (index: number) => bad(`value for key ${index} is not a map.`),
  elementTypesDiffer: (lists: unknown[]) => bad(`list element types are not identical: ${goFormat(lists)}`),
  mergeDirectiveInList: () => bad('merging lists cannot yet be specified in the patch'),
  noMergeKeyDeclared: () => bad('cannot merge lists without merge key for type map'),
  orderMismatch: (patchList: unknown, order: unknown) =>
    bad(`the order in patch list:\n${goFormat(patchList)}\n doesn't match $setElementOrder list:\n${goFormat(order)}`),
};
