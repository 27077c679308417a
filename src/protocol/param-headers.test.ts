import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkParamHeaders, mirrorParamHeaders, paramHeaders } from './param-headers.ts';

const schema = {
  type: 'object',
  properties: {
    region: { type: 'string', 'x-mcp-header': 'Region' },
    count: { type: 'integer', 'x-mcp-header': 'Count' },
    options: { type: 'object', properties: { dry: { type: 'boolean', 'x-mcp-header': 'Dry-Run' } } },
    note: { type: 'string' },
  },
};

describe('SEP-2243 parameter headers', () => {
  it('finds declarations along the properties chain, nested ones too', () => {
    assert.deepEqual(
      paramHeaders(schema).map((declaration) => [declaration.name, declaration.path.join('.')]),
      [
        ['Region', 'region'],
        ['Count', 'count'],
        ['Dry-Run', 'options.dry'],
      ],
    );
  });

  it('treats a schema with an invalid declaration as having none', () => {
    const badName = { properties: { a: { type: 'string', 'x-mcp-header': 'has space' } } };
    const badType = { properties: { a: { type: 'number', 'x-mcp-header': 'A' } } };
    const twice = {
      properties: { a: { type: 'string', 'x-mcp-header': 'A' }, b: { type: 'string', 'x-mcp-header': 'a' } },
    };
    for (const bad of [badName, badType, twice]) assert.deepEqual(paramHeaders(bad), []);
  });

  it('mirrors values, Base64-wrapping what is not plain ASCII, and omits null or absent ones', () => {
    const headers = mirrorParamHeaders(paramHeaders(schema), {
      region: 'zürich',
      count: 3,
      options: { dry: false },
    });
    assert.deepEqual(headers, {
      'Mcp-Param-Region': `=?base64?${Buffer.from('zürich').toString('base64')}?=`,
      'Mcp-Param-Count': '3',
      'Mcp-Param-Dry-Run': 'false',
    });
    assert.deepEqual(mirrorParamHeaders(paramHeaders(schema), { region: null }), {});
    assert.equal(
      mirrorParamHeaders(paramHeaders(schema), { region: ' x' })['Mcp-Param-Region'],
      '=?base64?IHg=?=',
    );
  });

  it('accepts what it mirrors, and headers for absent values', () => {
    const args = { region: 'zürich', count: 3, options: { dry: true } };
    const headers = new Headers(mirrorParamHeaders(paramHeaders(schema), args));
    assert.equal(checkParamHeaders(paramHeaders(schema), args, headers), undefined);
    assert.equal(
      checkParamHeaders(paramHeaders(schema), {}, new Headers({ 'mcp-param-region': 'x' })),
      undefined,
    );
    assert.equal(
      checkParamHeaders(paramHeaders(schema), { count: 7 }, new Headers({ 'Mcp-Param-Count': '7' })),
      undefined,
    );
  });

  it('refuses a missing header, bad Base64 and a mismatch, naming the header', () => {
    const declarations = paramHeaders(schema);
    const check = (headers: Record<string, string>) =>
      checkParamHeaders(declarations, { region: 'Hello' }, new Headers(headers))?.header;
    assert.equal(check({}), 'Mcp-Param-Region');
    assert.equal(check({ 'Mcp-Param-Region': '=?base64?SGVsbG8?=' }), 'Mcp-Param-Region'); // no padding
    assert.equal(check({ 'Mcp-Param-Region': '=?base64?SGVs!!!bG8=?=' }), 'Mcp-Param-Region');
    assert.equal(check({ 'Mcp-Param-Region': 'Bye' }), 'Mcp-Param-Region');
    assert.equal(check({ 'Mcp-Param-Region': '=?base64?SGVsbG8=?=' }), undefined);
    // Without both halves of the wrapper the value is a literal.
    assert.equal(check({ 'Mcp-Param-Region': 'SGVsbG8=' }), 'Mcp-Param-Region');
  });
});
