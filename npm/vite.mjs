// ESM entry of the Vite plugin (`import secretgate from 'secretgate/vite'`): the CommonJS module
// is the implementation, so both entries share one instance of its code.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const secretgate = require('./vite.js')

export default secretgate
export { secretgate }
