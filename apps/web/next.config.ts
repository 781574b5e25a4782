import type { NextConfig } from 'next';

/**
 * The dashboard's Next.js config.
 * @remarks No API URL here on purpose: it reaches the browser at request time (BASIN_API_URL, read by the root
 * layout), so one build serves every deployment.
 */
const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // the workspace packages the server imports are TypeScript sources
  transpilePackages: ['@basin/schema', '@basin/db'],
};

export default config;
