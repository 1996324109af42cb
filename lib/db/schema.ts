// The one schema: drizzle-kit migrations and the Zero schema (drizzle-zero) come from here.
export * from './auth-schema.ts';
export * from './board-schema.ts';
export * from './relations.ts';
export * from './runner-schema.ts';
export * from './runner-relations.ts';
export * from './team-schema.ts';
export * from './analytics-schema.ts';
export * from './job-steering-schema.ts';
export * from './epic-schema.ts';
