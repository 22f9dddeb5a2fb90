// The example's Vite config: secretgate is one plugin. `secretgate/vite` resolves to this
// repository's own package through its `exports` (package self-reference: the example has no
// package.json of its own, so the nearest one is secretgate's), as it would from node_modules in
// a real project. `.mjs` marks the file as ESM without a package.json saying "type": "module".
import { defineConfig } from 'vite'
import secretgate from 'secretgate/vite'

export default defineConfig({
  plugins: [secretgate()],
})
