import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/api': 'http://localhost:3000',
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // maplibre-gl and deck.gl are large by nature; splitting them keeps app code cacheable.
    chunkSizeWarningLimit: 2500,
  },
});
