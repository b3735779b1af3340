import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [react()],
  server: { port: 5173, strictPort: false },
  test: {
    include: ["src/**/*.test.{ts,tsx}", "encoder/**/*.test.ts", "mock-server/**/*.test.ts"],
    // Integration tests run real ffmpeg; two workers keep both cores busy without starving them.
    maxWorkers: 2,
    testTimeout: 10_000,
  },
});
