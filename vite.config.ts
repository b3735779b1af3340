import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [react()],
  // Each checkout its own dependency cache: worktrees that share node_modules (a symlink) would
  // otherwise rewrite one node_modules/.vite under each other's running dev servers.
  cacheDir: ".cache/vite",
  server: { port: 5173, strictPort: false },
  build: {
    // The engines are chunks of their own, loaded only to play (hls.js 566 kB, shaka-player
    // 815 kB); the default 500 kB warning is about chunks that hold up the first render.
    chunkSizeWarningLimit: 900,
  },
  // Pre-bundle up front: discovering a dependency mid-session makes Vite reload the page,
  // which a person barely notices and a browser test trips over.
  optimizeDeps: {
    include: ["react", "react-dom", "react-dom/client", "react/jsx-dev-runtime", "hls.js", "zod"],
  },
  test: {
    include: [
      "src/**/*.test.{ts,tsx}",
      "encoder/**/*.test.ts",
      "mock-server/**/*.test.ts",
      "app-server/**/*.test.ts",
      "bench/**/*.test.ts",
      "scripts/**/*.test.ts",
    ],
    // One file at a time: the shaping and load tests measure time, and an ffmpeg-heavy file
    // running beside them starves their timers (seen: 1 Mbit/s measured 15% off).
    fileParallelism: false,
    testTimeout: 10_000,
  },
});
