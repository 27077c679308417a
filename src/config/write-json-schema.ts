/**
 * Generates `schema/toolmesh.schema.json` from the zod schema, so editors (yaml-language-server, VS Code)
 * validate and complete toolmesh files. Run `npm run schema` after changing `schema.ts`; a test fails
 * while the published file is out of date.
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the config syntax, shown to users as text
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { configFileSchema } from './schema.ts';

/** Where the published schema lives. */
export const JSON_SCHEMA_PATH = resolve(import.meta.dirname, '../../schema/toolmesh.schema.json');

/** The JSON Schema (2020-12) of the config file. `io: 'input'` describes what users write. */
export function buildJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(configFileSchema, { target: 'draft-2020-12', io: 'input' });
  return {
    $schema,
    title: 'ToolMesh configuration',
    description:
      'toolmesh.yaml / toolmesh.json: the MCP servers ToolMesh merges into one endpoint. Also accepts the ' +
      'mcpServers files of Claude Desktop, Cursor and Claude Code, and VS Code .vscode/mcp.json. Strings may ' +
      'use ${VAR}, ${VAR:-default} and ${env:VAR}.',
    ...rest,
  };
}

/** The file's exact text (stable key order, two-space indent, final newline). */
export function renderJsonSchema(): string {
  return `${JSON.stringify(buildJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(JSON_SCHEMA_PATH, renderJsonSchema());
  console.log(`wrote ${JSON_SCHEMA_PATH}`);
}
