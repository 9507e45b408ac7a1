import { DomainError } from '../errors';
import { errorBody, goIntOrString, goLabelSelector, goStringMap, invalid, notSupported, required, forbidden, tooLong, duplicate, notFound } from './field-errors';
import {
  alreadyExistsError, badRequestError, conflictError, DAEMONSETS, expiredError, forbiddenError, invalidStatus, notFoundError, PODS,
  requestEntityTooLargeError, toStatus, unauthorizedError,
} from './status';

describe('cause bodies (Go rendering, v1.32)', () => {
  it.each([
    ['required without detail', required('spec.x'), 'Required value'],
    ['required with detail', required('spec.x', 'cannot be 0 when maxSurge is 0'), 'Required value: cannot be 0 when maxSurge is 0'],
    ['forbidden', forbidden('spec.x', 'nope'), 'Forbidden: nope'],
    ['int value', invalid('spec.x', -1, 'must be greater than or equal to 0'), 'Invalid value: -1: must be greater than or equal to 0'],
    ['string value', invalid('spec.x', 'a"b', 'bad'), 'Invalid value: "a\\"b": bad'],
    ['null value', invalid('spec.x', null, 'bad'), 'Invalid value: null: bad'],
    ['not supported', notSupported('spec.x', 'OnFailure', ['Always']), 'Unsupported value: "OnFailure": supported values: "Always"'],
    ['duplicate', duplicate('spec.x', 'c'), 'Duplicate value: "c"'],
    ['not found', notFound('spec.x', 'v'), 'Not found: "v"'],
    ['too long', tooLong('metadata.annotations', 262144), 'Too long: may not be more than 262144 bytes'],
    ['map', invalid('f', goStringMap({ b: '2', a: '1' }), 'd'), 'Invalid value: map[string]string{"a":"1", "b":"2"}: d'],
    ['nil map', invalid('f', goStringMap(undefined), 'd'), 'Invalid value: map[string]string(nil): d'],
    ['intstr', invalid('f', goIntOrString('110%'), 'd'), 'Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"110%"}: d'],
    [
      'label selector',
      invalid('f', goLabelSelector({ matchLabels: { app: 'b' } }), 'd'),
      'Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: d',
    ],
  ])('%s', (_n, e, body) => {
    expect(errorBody(e)).toBe(body);
  });
});

describe('invalidStatus', () => {
  it('aggregates several errors as [e1, e2] and keeps duplicates only in causes', () => {
    const e1 = invalid('spec.minReadySeconds', -1, 'must be greater than or equal to 0');
    const e2 = required('spec.updateStrategy.rollingUpdate.maxUnavailable', 'cannot be 0 when maxSurge is 0');
    const s = invalidStatus('DaemonSet', 'apps', 'foo', [e1, e2, e1]);
    expect(s).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'DaemonSet.apps "foo" is invalid: [spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0, spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0]',
      reason: 'Invalid',
      details: {
        name: 'foo',
        group: 'apps',
        kind: 'DaemonSet',
        causes: [
          { reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.minReadySeconds' },
          { reason: 'FieldValueRequired', message: 'Required value: cannot be 0 when maxSurge is 0', field: 'spec.updateStrategy.rollingUpdate.maxUnavailable' },
          { reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.minReadySeconds' },
        ],
      },
      code: 422,
    });
  });

  it('core kinds have no group suffix', () => {
    expect(invalidStatus('Pod', '', 'p', [required('spec.containers')]).message).toBe('Pod "p" is invalid: spec.containers: Required value');
  });
});

describe('other Status reasons', () => {
  it.each<[string, DomainError, number, string, string, object | undefined]>([
    ['NotFound', notFoundError(DAEMONSETS, 'nope'), 404, 'NotFound', 'daemonsets.apps "nope" not found', { name: 'nope', group: 'apps', kind: 'daemonsets' }],
    ['NotFound (core)', notFoundError(PODS, 'x'), 404, 'NotFound', 'pods "x" not found', { name: 'x', kind: 'pods' }],
    ['AlreadyExists', alreadyExistsError(DAEMONSETS, 'nginx-ds'), 409, 'AlreadyExists', 'daemonsets.apps "nginx-ds" already exists', { name: 'nginx-ds', group: 'apps', kind: 'daemonsets' }],
    [
      'Conflict',
      conflictError(DAEMONSETS, 'foo'),
      409,
      'Conflict',
      'Operation cannot be fulfilled on daemonsets.apps "foo": the object has been modified; please apply your changes to the latest version and try again',
      { name: 'foo', group: 'apps', kind: 'daemonsets' },
    ],
    ['BadRequest', badRequestError('bad'), 400, 'BadRequest', 'bad', undefined],
    ['Expired', expiredError(), 410, 'Expired', 'The resourceVersion for the provided list is too old.', undefined],
    ['Unauthorized', unauthorizedError(), 401, 'Unauthorized', 'Unauthorized', undefined],
    ['Forbidden', forbiddenError(DAEMONSETS, 'foo', 'no'), 403, 'Forbidden', 'daemonsets.apps "foo" is forbidden: no', { name: 'foo', group: 'apps', kind: 'daemonsets' }],
    ['RequestEntityTooLarge', requestEntityTooLargeError('limit is 3145728'), 413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728', undefined],
    ['VersionConflict maps to Conflict', new DomainError('VersionConflict', 'x'), 409, 'Conflict', 'x', undefined],
  ])('%s', (_n, err, code, reason, message, details) => {
    const s = toStatus(err);
    expect({ code: s.code, reason: s.reason, message: s.message, details: s.details, status: s.status }).toEqual({ code, reason, message, details, status: 'Failure' });
  });

  it('a non-domain error becomes a 500 without a stack', () => {
    const s = toStatus(new TypeError('boom'));
    expect([s.code, s.reason, s.message]).toEqual([500, 'InternalError', 'Internal error occurred: boom']);
    expect(JSON.stringify(s)).not.toContain('at ');
  });
});
