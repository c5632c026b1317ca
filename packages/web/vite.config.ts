import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Monaco is one large lazy chunk by nature; the warning would only repeat that.
    chunkSizeWarningLimit: 4000,
  },
  worker: { format: 'es' },
});
