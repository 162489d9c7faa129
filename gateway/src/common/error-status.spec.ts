import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { SERVICE_ERROR_STATUS, httpStatusOf } from './error-status.js';

describe('service error status table', () => {
  it('chooses the status by code, whatever gRPC status the service used', () => {
    // The contract statuses gRPC has no word for come from the code alone.
    assert.equal(httpStatusOf('session_tombstoned', GrpcStatus.NOT_FOUND), 410);
    assert.equal(httpStatusOf('session_busy', GrpcStatus.FAILED_PRECONDITION), 409);
    assert.equal(httpStatusOf('checksum_mismatch', GrpcStatus.FAILED_PRECONDITION), 422);
    assert.equal(httpStatusOf('git_failed', GrpcStatus.CANCELLED), 400);
    assert.equal(httpStatusOf('git_failed', GrpcStatus.INTERNAL), 400);
    assert.equal(httpStatusOf('engine_unavailable', GrpcStatus.UNAVAILABLE), 503);
  });

  it('falls back to the gRPC status for a code it does not know, then to 500', () => {
    assert.equal(httpStatusOf('code_from_a_newer_service', GrpcStatus.NOT_FOUND), 404);
    assert.equal(httpStatusOf(undefined, GrpcStatus.DEADLINE_EXCEEDED), 504);
    assert.equal(httpStatusOf(undefined, GrpcStatus.DATA_LOSS), 500);
    // Inherited object keys are not codes.
    assert.equal(httpStatusOf('toString', GrpcStatus.INVALID_ARGUMENT), 400);
  });

  it('maps every code to an error status', () => {
    for (const [code, status] of Object.entries(SERVICE_ERROR_STATUS)) {
      assert.ok(/^[a-z0-9_]+$/.test(code), code);
      assert.ok(status >= 400 && status <= 599, `${code}: ${status}`);
    }
  });
});
