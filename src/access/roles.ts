/** Roles of API tokens, each allowed what the one before it is, and more. */
export const ROLES = ['reader', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function roleAllows(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** Who a request acts as. */
export interface Principal {
  /** `token:<name>`, `env-token`, or `anonymous` when the server runs without access control. */
  readonly name: string;
  readonly role: Role;
}
