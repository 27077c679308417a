/**
 * The zod schema of the catalog settings: the top-level `catalog` and `store` sections and the per-server
 * fields that shape what a server contributes (conflicts, trust, pinning, allow/deny lists, overrides).
 * Kept apart from `schema.ts` so catalog work and transport work do not edit the same file.
 */
import { z } from 'zod';

/** How colliding names are resolved (docs/conflicts.md). */
export const CONFLICT_STRATEGIES = ['prefix', 'conditional', 'priority', 'version'] as const;
/** What happens when a tool's definition changes after it was first seen (docs/config.md, pinning). */
export const PINNING_POLICIES = ['warn', 'block', 'off'] as const;
/** A name every client accepts; the same rule as `VALID_NAME` in catalog/naming.ts (config imports nothing). */
const SERVED_NAME_RE = /^[A-Za-z0-9_-]{1,64}$/;
const SERVER_REF_RE = /^(?!__proto__$)[A-Za-z0-9_.-]{1,64}$/;

const glob = z.string().min(1);
const strategy = z.enum(CONFLICT_STRATEGIES);

/** Allow/deny globs (picomatch syntax) over names, or URIs for resources. */
export const filterSchema = z
  .strictObject({
    allow: z.array(glob).optional().describe('Globs: only matching names are served (default: all).'),
    deny: z.array(glob).optional().describe('Globs: matching names are hidden, even if allowed.'),
  })
  .meta({ id: 'Filter', description: 'Allow/deny globs; deny wins.' });

/** Per-tool changes to what clients see. */
export const toolOverrideSchema = z
  .strictObject({
    name: z
      .string()
      .regex(SERVED_NAME_RE)
      .optional()
      .describe('Served name, exactly as given (never prefixed): 1-64 of A-Z a-z 0-9 _ -.'),
    title: z.string().optional().describe('Replaces the title.'),
    description: z.string().optional().describe('Replaces the description.'),
  })
  .meta({ id: 'ToolOverride' });

/** `tools:` of a server: a filter plus overrides by the upstream's tool name. */
export const toolShapeSchema = z
  .strictObject({
    allow: filterSchema.shape.allow,
    deny: filterSchema.shape.deny,
    overrides: z
      .record(z.string().min(1), toolOverrideSchema)
      .optional()
      .describe("Overrides by the server's own tool name."),
  })
  .meta({ id: 'ToolShape' });

/** Fields of a server entry added by this schema (spread into `serverEntrySchema`). */
export const serverCatalogFields = {
  conflicts: strategy.optional().describe('Conflict strategy for this server (default: catalog.conflicts).'),
  trusted: z.boolean().optional().describe('false: pinning defaults to block (default true).'),
  pinning: z
    .enum(PINNING_POLICIES)
    .optional()
    .describe('Changed tool definitions: warn (default), block until approved, off.'),
  tools: toolShapeSchema.optional(),
  prompts: filterSchema.optional(),
  resources: filterSchema.optional().describe('Globs over resource URIs and template strings.'),
};

/** The top-level `catalog` section. */
export const catalogSchema = z
  .strictObject({
    conflicts: strategy.optional().describe('prefix (default) | conditional | priority | version.'),
    priority: z
      .array(z.string().regex(SERVER_REF_RE))
      .optional()
      .describe('Server names, most preferred first (priority strategy).'),
    owners: z
      .record(z.string().min(1), z.string().regex(SERVER_REF_RE))
      .optional()
      .describe('Explicit pins: name (or URI) → the server that keeps it in a collision.'),
  })
  .meta({ id: 'Catalog', description: 'How the merged catalog resolves name collisions.' });

/** The top-level `store` section. */
export const storeSchema = z
  .strictObject({
    path: z
      .string()
      .min(1)
      .optional()
      .describe('SQLite file for pins and remembered names (default ~/.toolmesh/toolmesh.db).'),
  })
  .meta({ id: 'Store', description: 'Where the hub keeps state across restarts.' });
