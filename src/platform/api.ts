/**
 * The platform's own API (log-in, users, API clients, permissions, audit, parameters), ahead of the
 * modules' routes. What it needs from the modules comes in as ports (PlatformPorts), so that the
 * platform imports no module: src/modules/index.ts implements them.
 */
import type { ApiPlugin } from './http/server.ts';
import { authRoutes, type EnterpriseDirectory } from './auth/routes.ts';
import { auditRoutes } from './audit/routes.ts';
import { parameterRoutes } from './parameters/routes.ts';
import { permissionRoutes } from './auth/permissions.ts';
import { clientRoutes } from './auth/clients.ts';
import type { TidegateModule } from './module.ts';

export interface PlatformPorts {
  enterprises: EnterpriseDirectory;
}

/** Every API plugin: the platform's, then each module's in the order of the module list. */
export function apiPlugins(modules: readonly TidegateModule[], ports: PlatformPorts): ApiPlugin[] {
  return [
    authRoutes(ports.enterprises),
    auditRoutes,
    parameterRoutes,
    permissionRoutes,
    clientRoutes,
    ...modules.flatMap((m) => m.routes ?? []),
  ];
}
