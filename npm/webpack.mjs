// ESM entry of secretgate/webpack: the CommonJS plugin, re-exported (default and named).
import SecretgatePlugin from './webpack.js'

export { SecretgatePlugin }
export default SecretgatePlugin
