/**
 * An accept-anything Standard Schema for `client.request()`. SDK v2 validates results of spec methods against
 * its own schemas unless given one; the hub forwards upstream results as they are, so it passes this.
 */
export const PASSTHROUGH = {
  '~standard': { version: 1, vendor: 'toolmesh', validate: (value: unknown) => ({ value }) },
} as const;
