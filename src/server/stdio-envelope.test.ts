import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { envelopeProblem } from './stdio-envelope.ts';

const check = (message: Record<string, unknown>, inFlight: (string | number)[] = []) => {
  const problem = envelopeProblem({ jsonrpc: '2.0', ...message }, new Set(inFlight));
  return problem && { code: problem.code, id: problem.id, answer: problem.answer };
};

describe('envelopeProblem (messages a stdio client sends)', () => {
  it('lets well-formed requests, notifications and responses through', () => {
    assert.equal(check({ id: 1, method: 'tools/list' }), undefined);
    assert.equal(check({ id: 'a-1', method: 'tools/call', params: { name: 'x' } }), undefined);
    assert.equal(check({ id: -(2 ** 53 - 1), method: 'ping' }), undefined);
    assert.equal(check({ method: 'notifications/initialized' }), undefined);
    assert.equal(check({ id: 7, result: {} }), undefined);
    assert.equal(check({ id: 'x', error: { code: 1, message: 'no' } }), undefined);
    // Another request may reuse an id once the first was answered.
    assert.equal(check({ id: 1, method: 'ping' }, [2, 'one']), undefined);
  });

  it('refuses a method that is not a non-empty string, answering with the id when it can be read', () => {
    assert.deepEqual(check({ id: 1, method: 5 }), { code: -32600, id: 1, answer: true });
    assert.deepEqual(check({ id: 2, method: '' }), { code: -32600, id: 2, answer: true });
    assert.deepEqual(check({ method: null }), { code: -32600, id: null, answer: true });
  });

  it('refuses an id that is null, a fraction, beyond 2^53-1, or not a string or number, with id null', () => {
    for (const id of [null, 1.5, 2 ** 53, -(2 ** 53), {}, [1], true]) {
      assert.deepEqual(check({ id, method: 'ping' }), { code: -32600, id: null, answer: true }, String(id));
    }
  });

  it('refuses params that are not an object: answered for a request, only reported for a notification', () => {
    assert.deepEqual(check({ id: 3, method: 'tools/call', params: [1] }), {
      code: -32602,
      id: 3,
      answer: true,
    });
    assert.deepEqual(check({ id: 4, method: 'ping', params: 'x' }), { code: -32602, id: 4, answer: true });
    assert.deepEqual(check({ method: 'notifications/progress', params: 7 }), {
      code: -32602,
      id: null,
      answer: false,
    });
  });

  it('refuses a _meta that is not an object (the SDK would drop the request without an answer)', () => {
    for (const meta of ['x', 5, [], null]) {
      assert.deepEqual(
        check({ id: 5, method: 'tools/list', params: { _meta: meta } }),
        { code: -32602, id: 5, answer: true },
        JSON.stringify(meta),
      );
    }
    assert.deepEqual(check({ method: 'notifications/progress', params: { _meta: 1 } }), {
      code: -32602,
      id: null,
      answer: false,
    });
    assert.equal(check({ id: 6, method: 'tools/list', params: { _meta: { progressToken: 1 } } }), undefined);
  });

  it('refuses an id already in use by a request in flight, so the first keeps its state', () => {
    assert.deepEqual(check({ id: 9, method: 'tools/call', params: {} }, [9]), {
      code: -32600,
      id: 9,
      answer: true,
    });
    assert.deepEqual(check({ id: 'k', method: 'ping' }, ['k']), { code: -32600, id: 'k', answer: true });
  });

  it('refuses a response without an id, or without exactly one of result and error', () => {
    assert.deepEqual(check({ result: {} }), { code: -32600, id: null, answer: true });
    assert.deepEqual(check({ id: 1 }), { code: -32600, id: null, answer: true });
    assert.deepEqual(check({ id: 1, result: {}, error: { code: 1, message: 'x' } }), {
      code: -32600,
      id: null,
      answer: true,
    });
    assert.deepEqual(check({ id: null, error: { code: 1, message: 'x' } }), {
      code: -32600,
      id: null,
      answer: true,
    });
  });
});
