import { eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import type { AppContext } from './context.ts';
import { platformMeta } from './db/schema.ts';
import { seedDefaultParameters } from './parameters/service.ts';
import { createUser, findUserByName } from './auth/service.ts';
import { randomPassword } from './auth/credentials.ts';
import { systemActor } from './auth/roles.ts';
import { runCommand } from './command.ts';

/** The id of this database, stable for its life; names it as the source of published events. */
export async function instanceId(ctx: AppContext): Promise<string> {
  const [row] = await ctx.db.select().from(platformMeta).where(eq(platformMeta.key, 'instance_id'));
  if (row) return row.value;
  await ctx.db.insert(platformMeta).values({ key: 'instance_id', value: randomUUID() }).onConflictDoNothing();
  const [again] = await ctx.db.select().from(platformMeta).where(eq(platformMeta.key, 'instance_id'));
  return again!.value;
}

export interface BootstrapResult {
  firstStart: boolean;
  /** Set only when a random admin password was generated: printed once, never stored in clear. */
  generatedAdminPassword: string | null;
  parametersSeeded: number;
}

/** Policy parameters and the first administrator. Safe to run at every start. */
export async function bootstrap(ctx: AppContext, adminPassword: string | undefined): Promise<BootstrapResult> {
  const parametersSeeded = await runCommand(ctx, 'parameters.seed', (tx) => seedDefaultParameters(tx, ctx.clock.now()));
  const existing = await findUserByName(ctx.db, 'admin');
  if (existing) return { firstStart: false, generatedAdminPassword: null, parametersSeeded };
  const password = adminPassword ?? randomPassword();
  await runCommand(ctx, 'user.create', (tx) =>
    createUser(
      tx,
      { username: 'admin', password, role: 'admin', displayName: '系统管理员 Administrator' },
      systemActor('bootstrap'),
      ctx.clock.now(),
    ),
  );
  return { firstStart: true, generatedAdminPassword: adminPassword ? null : password, parametersSeeded };
}
