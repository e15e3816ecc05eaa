// Next.js configuration for pier's UI. The custom server (server/) hosts Next on the same
// port as the API and WebSockets; nothing here may assume `next start`.
import { fileURLToPath } from 'node:url';

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Everything pier needs runs on its own server: no telemetry-like indicators in dev.
  devIndicators: false,
  turbopack: {
    // The repository root, so Turbopack does not guess it from lockfiles further up.
    root: fileURLToPath(new URL('.', import.meta.url)),
  },
};

export default nextConfig;
