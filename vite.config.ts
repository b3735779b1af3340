import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [react()],
  server: { port: 5173, strictPort: false },
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
      "bench/**/*.test.ts",
    ],
    // One file at a time: the shaping and load tests measure time, and an ffmpeg-heavy file
    // running beside them starves their timers (seen: 1 Mbit/s measured 15% off).
    fileParallelism: false,
    testTimeout: 10_000,
  },
});
