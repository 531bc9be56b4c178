import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

// Tauri loads the built files from disk (relative base) and, on Linux, runs them in
// WebKitGTK, whose JavaScript matches Safari 15 at the oldest we support.
export default defineConfig({
  base: "./",
  plugins: [solid()],
  clearScreen: false,
  server: {
    port: 1420,
    // The Tauri shell points at this exact port; a silent fallback would load nothing.
    strictPort: true,
    watch: { ignored: ["**/src-tauri/**"] },
  },
  build: {
    outDir: "dist",
    target: "safari15",
    emptyOutDir: true,
  },
});
