/**
 * `sluice token create|list|revoke`: API tokens for the server. The secret is printed once, at
 * creation; the store keeps only its hash.
 */
import { z } from 'zod';
import { ROLES } from '../../access/index.js';
import { renderTable } from '../format/table.js';
import { parseOptions } from '../options.js';
import { printJson } from '../output.js';
import { cliActor, withServerServices, type CliContext } from '../services.js';

/** Where the tokens are: the project's store, or a standalone server's (`--store`, `--home`). */
const serverLocation = { store: z.string().min(1).optional(), home: z.string().min(1).optional() };

const createSchema = z.object({
  ...serverLocation,
  role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }),
  name: z.string().min(1).max(100).optional(),
  json: z.boolean().default(false),
});

export async function tokenCreateCommand(rawOptions: unknown, output: CliContext): Promise<number> {
  const options = parseOptions(createSchema, rawOptions, 'token create');
  return withServerServices(output, { ...options, create: false }, async (services) => {
    const actor = cliActor();
    const name = options.name ?? `${options.role}-${new Date().toISOString().slice(0, 10)}`;
    const { token, secret } = await services.access(actor).createToken({ name, role: options.role, createdBy: actor.name });
    if (options.json) {
      printJson(output, { id: token.id, name: token.name, role: token.role, secret });
      return 0;
    }
    output.stdout.write(`${secret}\n`);
    output.stderr.write(
      `Created the ${token.role} token "${token.name}" (id ${token.id}). The secret above is shown only now.\n` +
        'Clients send it as `Authorization: Bearer <secret>` (MLflow: MLFLOW_TRACKING_TOKEN). From now on the server requires a token on every request.\n',
    );
    return 0;
  });
}

const listSchema = z.object({ ...serverLocation, json: z.boolean().default(false) });

export async function tokenListCommand(rawOptions: unknown, output: CliContext): Promise<number> {
  const options = parseOptions(listSchema, rawOptions, 'token list');
  return withServerServices(output, { ...options, create: false }, async (services) => {
    const tokens = await services.access(cliActor()).listTokens();
    if (options.json) {
      printJson(output, tokens.map((token) => ({ id: token.id, name: token.name, role: token.role, created_at: token.createdAt, created_by: token.createdBy, revoked_at: token.revokedAt ?? null })));
      return 0;
    }
    if (tokens.length === 0) {
      output.stdout.write('No tokens: the server accepts requests without one (on loopback only). Create one with `sluice token create --role admin`.\n');
      return 0;
    }
    const rows = tokens.map((token) => [token.id, token.name, token.role, new Date(token.createdAt).toISOString().slice(0, 10), token.createdBy, token.revokedAt ? `revoked ${new Date(token.revokedAt).toISOString().slice(0, 10)}` : 'active']);
    output.stdout.write(renderTable(['Id', 'Name', 'Role', 'Created', 'By', 'State'], rows));
    return 0;
  });
}

const revokeSchema = z.object(serverLocation);

export async function tokenRevokeCommand(id: string, rawOptions: unknown, output: CliContext): Promise<number> {
  const options = parseOptions(revokeSchema, rawOptions, 'token revoke');
  return withServerServices(output, { ...options, create: false }, async (services) => {
    const token = await services.access(cliActor()).revokeToken(id);
    output.stdout.write(`Revoked the token "${token.name}" (${token.id}).\n`);
    return 0;
  });
}
