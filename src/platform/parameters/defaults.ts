/**
 * A policy parameter's seeded version. Each module seeds its own parameters (the `seeds` of its
 * manifest, next to their schemas in src/modules/<module>/parameters.ts); the composition root
 * (src/modules/parameters.ts) puts them in one list. After seeding they live in the database
 * (policy_parameters) and only an administrator changes them; rules never read the seeds.
 * Decimals are strings.
 */
export interface ParameterSeed {
  name: string;
  value: unknown;
  validFrom: string;
  validTo?: string;
  reason: string;
}
